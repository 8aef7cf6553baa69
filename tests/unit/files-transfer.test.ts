import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join as joinPath } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { nextEvent, rawRequest, startServer, type Harness } from './harness';
import {
	createUpload,
	download,
	join,
	linkFor,
	patchUpload,
	roomOfTwo,
	sha256,
	storedFiles,
	upload,
	uploadOffset
} from './files-client';

let server: Harness;
beforeEach(async () => {
	server = await startServer();
});
afterEach(() => server.close());

describe('sharing a file', () => {
	it('arrives byte for byte, announced to the room, with its original name', async () => {
		const { ana, bo } = await roomOfTwo(server);
		const bytes = randomBytes(5 * 1024 * 1024 + 123);
		const announced = nextEvent(bo.socket, 'file:added');
		const id = await upload(server, ana, bytes, { name: 'holiday.mov', type: 'video/quicktime' });

		expect(await announced).toMatchObject({
			id,
			name: 'holiday.mov',
			size: bytes.length,
			type: 'video/quicktime',
			senderId: ana.answer.self.id,
			senderName: 'Ana',
			hasPreview: false
		});
		expect(id).toMatch(/^[A-Za-z0-9_-]{22}$/);
		// Stored under its random id only, never under the name it came with.
		expect(storedFiles(server)).toEqual([id]);
		expect(sha256(readFileSync(joinPath(server.dropcall.files.folder, id)))).toBe(sha256(bytes));

		const response = await download(server, id, bo.token);
		expect(response.status).toBe(200);
		expect(sha256(new Uint8Array(await response.arrayBuffer()))).toBe(sha256(bytes));
		expect(response.headers.get('content-length')).toBe(String(bytes.length));
		expect(response.headers.get('content-disposition')).toBe(
			`attachment; filename="holiday.mov"; filename*=UTF-8''holiday.mov`
		);
		expect(response.headers.get('x-content-type-options')).toBe('nosniff');
		expect(response.headers.get('accept-ranges')).toBe('bytes');
		expect(response.headers.get('cache-control')).toBe('private, no-store');
	});

	it('lists the files already shared to someone who joins later', async () => {
		const { roomId, ana } = await roomOfTwo(server);
		const id = await upload(server, ana, randomBytes(1000), { name: 'notes.txt' });
		const late = await join(server, roomId, 'Chul');
		expect(late.answer.files).toEqual([expect.objectContaining({ id, name: 'notes.txt' })]);
		expect((await download(server, id, late.token)).status).toBe(200);
	});

	it('accepts an empty file', async () => {
		const { ana, bo } = await roomOfTwo(server);
		const announced = nextEvent(bo.socket, 'file:added');
		const created = await createUpload(server, ana.token, { size: 0, name: 'empty.txt' });
		expect(created.status).toBe(201);
		expect(await announced).toMatchObject({ id: created.id, size: 0 });
		const response = await download(server, created.id!, bo.token);
		expect(response.status).toBe(200);
		expect((await response.arrayBuffer()).byteLength).toBe(0);
	});

	it('resumes an upload from the offset the server reports', async () => {
		const { ana, bo } = await roomOfTwo(server);
		const bytes = randomBytes(3 * 1024 * 1024);
		const { id } = await createUpload(server, ana.token, { size: bytes.length });
		const half = 1024 * 1024 + 7;
		expect((await patchUpload(server, ana.token, id!, 0, bytes.subarray(0, half))).status).toBe(
			204
		);
		expect(await uploadOffset(server, ana.token, id!)).toEqual({ status: 200, offset: half });
		// A stale offset is refused without touching the upload.
		expect((await patchUpload(server, ana.token, id!, 0, bytes)).status).toBe(409);
		expect((await patchUpload(server, ana.token, id!, half, bytes.subarray(half))).status).toBe(
			204
		);
		const response = await download(server, id!, bo.token);
		expect(sha256(new Uint8Array(await response.arrayBuffer()))).toBe(sha256(bytes));
	});
});

describe('downloading', () => {
	it('answers byte ranges, for resumed downloads and seeking in videos', async () => {
		const { ana, bo } = await roomOfTwo(server);
		const bytes = randomBytes(100_000);
		const id = await upload(server, ana, bytes, { type: 'video/mp4' });

		const middle = await download(server, id, bo.token, { Range: 'bytes=1000-1999' });
		expect(middle.status).toBe(206);
		expect(middle.headers.get('content-range')).toBe(`bytes 1000-1999/${bytes.length}`);
		expect(Buffer.from(await middle.arrayBuffer())).toEqual(bytes.subarray(1000, 2000));

		const tail = await download(server, id, bo.token, { Range: 'bytes=-500' });
		expect(Buffer.from(await tail.arrayBuffer())).toEqual(bytes.subarray(bytes.length - 500));

		const rest = await download(server, id, bo.token, { Range: 'bytes=99000-' });
		expect(Buffer.from(await rest.arrayBuffer())).toEqual(bytes.subarray(99000));

		const beyond = await download(server, id, bo.token, { Range: 'bytes=200000-' });
		expect(beyond.status).toBe(416);
		expect(beyond.headers.get('content-range')).toBe(`bytes */${bytes.length}`);

		const changed = await download(server, id, bo.token, {
			Range: 'bytes=0-9',
			'If-Range': '"another-version"'
		});
		expect(changed.status).toBe(200);
		expect((await changed.arrayBuffer()).byteLength).toBe(bytes.length);
	});

	it('never serves a type a browser would run', async () => {
		const { ana, bo } = await roomOfTwo(server);
		const cases = [
			['page.html', 'text/html', 'application/octet-stream'],
			['drawing.svg', 'image/svg+xml', 'application/octet-stream'],
			['script.js', 'text/javascript', 'application/octet-stream'],
			['odd.bin', 'not a type', 'application/octet-stream'],
			['photo.png', 'image/png', 'image/png'],
			['readme.txt', 'text/plain', 'text/plain; charset=utf-8']
		] as const;
		for (const [name, declared, served] of cases) {
			const id = await upload(server, ana, Buffer.from('<script>alert(1)</script>'), {
				name,
				type: declared
			});
			const response = await download(server, id, bo.token);
			expect(response.headers.get('content-type'), name).toBe(served);
			expect(response.headers.get('content-disposition')).toMatch(/^attachment;/);
			expect(response.headers.get('content-security-policy')).toContain('sandbox');
		}
	});

	it('shows small raster images inline as previews, and nothing else', async () => {
		const { ana, bo } = await roomOfTwo(server);
		const image = await upload(server, ana, randomBytes(2000), {
			name: 'a.png',
			type: 'image/png'
		});
		const svg = await upload(server, ana, randomBytes(2000), {
			name: 'b.svg',
			type: 'image/svg+xml'
		});
		const link = await linkFor(server, bo.token, image);
		const preview = await fetch(`${server.url}${link!.preview}`);
		expect(preview.status).toBe(200);
		expect(preview.headers.get('content-type')).toBe('image/png');
		expect(preview.headers.get('content-disposition')).toMatch(/^inline;/);
		expect(preview.headers.get('cross-origin-resource-policy')).toBe('same-origin');
		const svgLink = await linkFor(server, bo.token, svg);
		expect(svgLink?.preview).toBeUndefined();
		const forced = svgLink!.download.replace(`/files/${svg}?`, `/files/${svg}/preview?`);
		expect((await fetch(`${server.url}${forced}`)).status).toBe(404);
	});
});

describe('deleting', () => {
	it('lets the sender delete a file: gone from every list, the disk and its link', async () => {
		const { ana, bo } = await roomOfTwo(server);
		const id = await upload(server, ana, randomBytes(10_000));
		expect(await bo.socket.emitWithAck('file:delete', { id })).toMatchObject({
			ok: false,
			error: { code: 'not-your-file' }
		});
		const removed = nextEvent(bo.socket, 'file:removed');
		expect(await ana.socket.emitWithAck('file:delete', { id })).toEqual({ ok: true });
		expect(await removed).toEqual({ id });
		expect(storedFiles(server)).toEqual([]);
		expect((await download(server, id, bo.token)).status).toBe(404);
		expect(await ana.socket.emitWithAck('file:delete', { id })).toMatchObject({
			ok: false,
			error: { code: 'file-not-found' }
		});
	});

	it('answers a malformed delete with an error', async () => {
		const { ana } = await roomOfTwo(server);
		for (const payload of [{}, { id: 42 }, { id: '../../etc/passwd' }, null]) {
			expect(await rawRequest(ana.socket, 'file:delete', payload)).toMatchObject({
				ok: false,
				error: { code: 'invalid-request' }
			});
		}
	});
});
