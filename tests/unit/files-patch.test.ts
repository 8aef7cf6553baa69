import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join as joinPath } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { UPLOADS_PATH } from '../../src/lib/protocol';
import { nextEvent, startServer, type Harness } from './harness';
import {
	createUpload,
	download,
	join,
	patchUpload,
	roomOfTwo,
	sha256,
	storedFiles,
	storedSize,
	streamingPatch,
	uploadOffset,
	write
} from './files-client';

const MiB = 1024 * 1024;
let server: Harness;
beforeEach(async () => {
	server = await startServer();
});
afterEach(() => server.close());

const stored = (id: string) => readFileSync(joinPath(server.dropcall.files.folder, id));

describe('a PATCH the tus protocol does not allow', () => {
	it('is refused with the status tus 1.0 gives it, writing nothing', async () => {
		const { ana } = await roomOfTwo(server);
		const { id } = await createUpload(server, ana.token, { size: 1000 });
		const bytes = randomBytes(100);
		const cases: [Record<string, string | undefined>, number][] = [
			[{ 'Upload-Offset': undefined }, 400],
			[{ 'Upload-Offset': 'ten' }, 400],
			[{ 'Upload-Offset': '-1' }, 400],
			[{ 'Upload-Offset': '007' }, 400],
			[{ 'Upload-Offset': '10' }, 409],
			[{ 'Content-Type': 'application/octet-stream' }, 415],
			[{ 'Content-Type': undefined }, 415],
			[{ 'Tus-Resumable': undefined }, 412],
			[{ 'Tus-Resumable': '0.2.2' }, 412],
			// Every upload's length is fixed when it is made.
			[{ 'Upload-Length': '1000' }, 400]
		];
		for (const [headers, status] of cases) {
			const response = await patchUpload(server, ana.token, id!, 0, bytes, headers);
			const label = JSON.stringify(headers);
			expect(response.status, label).toBe(status);
			expect(response.headers.get('tus-resumable'), label).toBe('1.0.0');
			expect(await response.json(), label).toMatchObject({
				ok: false,
				error: { code: 'invalid-request', message: expect.any(String) }
			});
			expect(storedSize(server, id!), label).toBe(0);
		}
		expect(await uploadOffset(server, ana.token, id!)).toEqual({ status: 200, offset: 0 });
		// Still fine for a PATCH that keeps to the protocol.
		const whole = randomBytes(1000);
		expect((await patchUpload(server, ana.token, id!, 0, whole)).status).toBe(204);
		expect(sha256(stored(id!))).toBe(sha256(whole));
	});

	it('is refused at a stale offset without touching what is stored', async () => {
		const { ana } = await roomOfTwo(server);
		const bytes = randomBytes(MiB);
		const { id } = await createUpload(server, ana.token, { size: bytes.length });
		expect((await patchUpload(server, ana.token, id!, 0, bytes.subarray(0, 1000))).status).toBe(
			204
		);
		const behind = await patchUpload(server, ana.token, id!, 0, randomBytes(2000));
		expect(behind.status).toBe(409);
		expect((await behind.json()).error.message).toMatch(/not at that offset/);
		expect((await patchUpload(server, ana.token, id!, 5000, randomBytes(10))).status).toBe(409);
		expect(stored(id!)).toEqual(bytes.subarray(0, 1000));
	});

	it('that says it carries more than is left removes the upload, before reading it', async () => {
		const { ana } = await roomOfTwo(server);
		const { id } = await createUpload(server, ana.token, { size: 1000 });
		const response = await patchUpload(server, ana.token, id!, 0, randomBytes(1001));
		expect(response.status).toBe(413);
		expect((await response.json()).error.code).toBe('file-too-large');
		expect(storedFiles(server)).toEqual([]);
	});
});

describe('a PATCH', () => {
	it('answers with the new offset, and the last one makes the file listed', async () => {
		const { roomId, ana, bo } = await roomOfTwo(server);
		const bytes = randomBytes(2 * MiB + 5);
		const { id } = await createUpload(server, ana.token, { size: bytes.length });
		const first = await patchUpload(server, ana.token, id!, 0, bytes.subarray(0, MiB));
		expect(first.status).toBe(204);
		expect(first.headers.get('upload-offset')).toBe(String(MiB));
		expect(first.headers.get('tus-resumable')).toBe('1.0.0');
		// Not a file yet: nobody sees it and its link leads nowhere.
		expect((await join(server, roomId, 'Chul')).answer.files).toEqual([]);
		expect((await download(server, id!, bo.token)).status).toBe(404);

		const announced = nextEvent(bo.socket, 'file:added');
		const last = await patchUpload(server, ana.token, id!, MiB, bytes.subarray(MiB));
		expect(last.status).toBe(204);
		expect(last.headers.get('upload-offset')).toBe(String(bytes.length));
		expect(await announced).toMatchObject({ id, size: bytes.length });
		expect((await join(server, roomId, 'Dan')).answer.files).toEqual([
			expect.objectContaining({ id })
		]);
		const response = await download(server, id!, bo.token);
		expect(sha256(new Uint8Array(await response.arrayBuffer()))).toBe(sha256(bytes));
	});

	it('to an upload cancelled meanwhile finds nothing there', async () => {
		const { ana } = await roomOfTwo(server);
		const { id } = await createUpload(server, ana.token, { size: 2000 });
		expect((await patchUpload(server, ana.token, id!, 0, randomBytes(1000))).status).toBe(204);
		const cancel = await fetch(`${server.url}${UPLOADS_PATH}/${id}`, {
			method: 'DELETE',
			headers: { 'Tus-Resumable': '1.0.0', Authorization: `Bearer ${ana.token}` }
		});
		expect(cancel.status).toBe(204);
		const late = await patchUpload(server, ana.token, id!, 1000, randomBytes(1000));
		expect(late.status).toBe(404);
		expect((await late.json()).error.code).toBe('file-not-found');
		expect(storedFiles(server)).toEqual([]);
	});
});

describe('resuming while the old PATCH still hangs', () => {
	/** An upload whose first PATCH sent `sent` bytes and then went quiet, its connection open. */
	async function stalledUpload(bytes: Uint8Array, sent: number) {
		const { ana, bo } = await roomOfTwo(server);
		const { id } = await createUpload(server, ana.token, { size: bytes.length });
		const stalled = streamingPatch(server, ana.token, id!, { length: bytes.length });
		await write(stalled.request, bytes.subarray(0, sent));
		await vi.waitFor(() => expect(storedSize(server, id!)).toBe(sent));
		return { ana, bo, id: id!, stalled };
	}

	it('takes over at once: the HEAD reads where the old one stopped, the new PATCH ends it', async () => {
		const bytes = randomBytes(3 * MiB);
		const { ana, bo, id, stalled } = await stalledUpload(bytes, MiB);

		const askedAt = Date.now();
		const { status, offset } = await uploadOffset(server, ana.token, id);
		// tus's own handler would wait out its 3 s lock drain here.
		expect(Date.now() - askedAt).toBeLessThan(1000);
		expect({ status, offset }).toEqual({ status: 200, offset: MiB });
		expect(await stalled.response).toMatchObject({ status: 204 });
		// Its connection closes, and whatever it sends meanwhile is not the upload's any more.
		stalled.request.write(randomBytes(MiB));
		const socket = stalled.request.socket!;
		await new Promise((resolve) => (socket.destroyed ? resolve(0) : socket.once('close', resolve)));

		const rest = await patchUpload(server, ana.token, id, offset, bytes.subarray(offset));
		expect(rest.status).toBe(204);
		expect(rest.headers.get('upload-offset')).toBe(String(bytes.length));
		const response = await download(server, id, bo.token);
		expect(sha256(new Uint8Array(await response.arrayBuffer()))).toBe(sha256(bytes));
		stalled.request.destroy();
	});

	it('takes over without a HEAD, byte for byte', async () => {
		const bytes = randomBytes(3 * MiB);
		const { ana, bo, id, stalled } = await stalledUpload(bytes, 2 * MiB);
		const resumed = streamingPatch(server, ana.token, id, { offset: 2 * MiB, length: MiB });
		resumed.request.flushHeaders();
		// The old request is told how far it got as soon as the new one asks for the upload.
		expect(await stalled.response).toMatchObject({ status: 204 });
		stalled.request.write(randomBytes(MiB));
		resumed.request.end(bytes.subarray(2 * MiB));
		expect((await resumed.response).status).toBe(204);
		const response = await download(server, id, bo.token);
		expect(sha256(new Uint8Array(await response.arrayBuffer()))).toBe(sha256(bytes));
		stalled.request.destroy();
	});
});
