import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { filePreviewPath, UPLOADS_PATH } from '../../src/lib/protocol';
import type { Config } from '../../server/config';
import { createRoom, nextEvent, startServer, type Harness } from './harness';
import {
	createUpload,
	download,
	join,
	roomOfTwo,
	storedFiles,
	streamingPatch,
	upload,
	uploadOffset,
	write
} from './files-client';

let server: Harness;
afterEach(() => server.close());

const MiB = 1024 * 1024;

async function start(overrides: Partial<Config> = {}, free = () => Promise.resolve(100 * 2 ** 30)) {
	server = await startServer(overrides, { freeBytes: free });
	return server;
}

describe('only members of the room', () => {
	it('can download, and anyone else gets 403 or 404 and not one byte', async () => {
		await start();
		const { ana } = await roomOfTwo(server);
		const id = await upload(server, ana, Buffer.from('secret bytes'));
		const stranger = await (async () => {
			const host = await server.client();
			return join(server, await createRoom(host), 'Stranger');
		})();
		const attempts = [
			`/files/${id}`,
			`/files/${id}?token=`,
			`/files/${id}?token=${'A'.repeat(43)}`,
			`/files/${id}?token=${stranger.token}`,
			filePreviewPath(id, stranger.token),
			`/files/${id}?token=${ana.answer.resumeToken}`
		];
		for (const path of attempts) {
			const response = await fetch(`${server.url}${path}`);
			expect([403, 404], path).toContain(response.status);
			const body = await response.text();
			expect(body).not.toContain('secret');
			expect(JSON.parse(body)).toMatchObject({ ok: false, error: { code: expect.any(String) } });
		}
	});

	it('can upload; anyone else is refused before a byte is stored', async () => {
		await start();
		const { ana } = await roomOfTwo(server);
		const host = await server.client();
		const stranger = await join(server, await createRoom(host), 'Stranger');
		expect((await createUpload(server, undefined, { size: 10 })).status).toBe(403);
		expect((await createUpload(server, 'A'.repeat(43), { size: 10 })).status).toBe(403);
		// Another room's member cannot see, resume or cancel this room's upload.
		const { id } = await createUpload(server, ana.token, { size: 10 });
		expect(await uploadOffset(server, stranger.token, id!)).toMatchObject({ status: 404 });
		const intruder = streamingPatch(server, stranger.token, id!, { length: 10 });
		intruder.request.end(Buffer.alloc(10));
		expect((await intruder.response).status).toBe(404);
		expect(await uploadOffset(server, ana.token, id!)).toEqual({ status: 200, offset: 0 });
		expect(storedFiles(server)).toEqual([id]);
	});

	it('keep their access only while they hold their seat', async () => {
		await start();
		const { ana, bo } = await roomOfTwo(server);
		const id = await upload(server, ana, Buffer.from('hello'));
		await bo.socket.emitWithAck('room:leave');
		expect((await download(server, id, bo.token)).status).toBe(403);
		expect((await createUpload(server, bo.token, { size: 1 })).status).toBe(403);
	});

	it('cannot download through the upload link', async () => {
		await start();
		const { ana } = await roomOfTwo(server);
		const id = await upload(server, ana, Buffer.from('hello'));
		const response = await fetch(`${server.url}${UPLOADS_PATH}/${id}`, {
			headers: { Authorization: `Bearer ${ana.token}` }
		});
		expect(response.status).toBe(405);
	});
});

describe('limits', () => {
	it('refuses a file over MAX_FILE_BYTES, saying the limit, and stores nothing', async () => {
		await start({ maxFileBytes: 2 * MiB });
		const { ana } = await roomOfTwo(server);
		const refused = await createUpload(server, ana.token, { size: 2 * MiB + 1 });
		expect(refused.status).toBe(413);
		expect(JSON.parse(refused.body)).toEqual({
			ok: false,
			error: {
				code: 'file-too-large',
				message: 'This file is 2 MB; files can be at most 2 MB.',
				// The numbers travel too, so each page words the refusal in its own language.
				sizeBytes: 2 * MiB + 1,
				limitBytes: 2 * MiB
			}
		});
		expect(storedFiles(server)).toEqual([]);
	});

	it('counts uploads in progress against MAX_ROOM_BYTES and MAX_STORE_BYTES', async () => {
		await start({ maxRoomBytes: 3 * MiB, maxStoreBytes: 4 * MiB });
		const { ana, bo } = await roomOfTwo(server);
		// Declared, not one byte sent yet: it already takes its share of the room.
		expect((await createUpload(server, ana.token, { size: 2 * MiB })).status).toBe(201);
		const overRoom = await createUpload(server, bo.token, { size: 2 * MiB });
		expect(overRoom.status).toBe(413);
		expect(JSON.parse(overRoom.body).error).toEqual({
			code: 'room-storage-full',
			message: 'This room can hold 3 MB of files and has 1 MB left; this file is 2 MB.',
			sizeBytes: 2 * MiB,
			limitBytes: 3 * MiB,
			leftBytes: MiB
		});

		const host = await server.client();
		const chul = await join(server, await createRoom(host), 'Chul');
		await upload(server, chul, randomBytes(1.5 * MiB));
		const overStore = await createUpload(server, chul.token, { size: MiB });
		expect(overStore.status).toBe(507);
		expect(JSON.parse(overStore.body).error.code).toBe('storage-full');
		expect(storedFiles(server)).toHaveLength(2);
	});

	it('refuses an upload that would leave less than MIN_FREE_BYTES on the disk', async () => {
		await start({ minFreeBytes: 10 * MiB }, () => Promise.resolve(12 * MiB));
		const { ana } = await roomOfTwo(server);
		expect((await createUpload(server, ana.token, { size: MiB })).status).toBe(201);
		const refused = await createUpload(server, ana.token, { size: 2 * MiB });
		expect(refused.status).toBe(507);
		expect(JSON.parse(refused.body).error.code).toBe('disk-full');
		expect(storedFiles(server)).toHaveLength(1);
	});

	it('stops an upload when the disk fills up while it streams, leaving nothing', async () => {
		let free = 100 * MiB;
		await start({ minFreeBytes: 10 * MiB }, () => Promise.resolve(free));
		const { ana } = await roomOfTwo(server);
		const size = 6 * MiB;
		const { id } = await createUpload(server, ana.token, { size });
		const patch = streamingPatch(server, ana.token, id!, { length: size });
		free = 11 * MiB;
		for (let sent = 0; sent < size; sent += MiB) await write(patch.request, randomBytes(MiB));
		patch.request.end();
		const answer = await patch.response;
		expect(answer.status).toBe(507);
		expect(JSON.parse(answer.body).error.code).toBe('disk-full');
		expect(storedFiles(server)).toEqual([]);
		expect(await uploadOffset(server, ana.token, id!)).toMatchObject({ status: 404 });
	});

	it('refuses bytes beyond the declared size while they stream, leaving nothing', async () => {
		await start();
		const { ana } = await roomOfTwo(server);
		const { id } = await createUpload(server, ana.token, { size: MiB });
		// No Content-Length: the body is chunked, so only counting the bytes can catch it.
		const patch = streamingPatch(server, ana.token, id!);
		await write(patch.request, randomBytes(MiB));
		patch.request.end(randomBytes(MiB));
		expect((await patch.response).status).toBe(413);
		expect(storedFiles(server)).toEqual([]);
		expect(await uploadOffset(server, ana.token, id!)).toMatchObject({ status: 404 });
	});

	it('refuses an upload that does not say its size', async () => {
		await start();
		const { ana } = await roomOfTwo(server);
		const response = await fetch(`${server.url}${UPLOADS_PATH}`, {
			method: 'POST',
			headers: {
				'Tus-Resumable': '1.0.0',
				'Upload-Defer-Length': '1',
				Authorization: `Bearer ${ana.token}`
			}
		});
		expect(response.status).toBe(411);
		expect(storedFiles(server)).toEqual([]);
	});
});

describe('file names', () => {
	it('are sanitised for the list and for Content-Disposition, never used on disk', async () => {
		await start();
		const { ana, bo } = await roomOfTwo(server);
		const cases: [string, string, string][] = [
			['../../etc/passwd', 'passwd', `attachment; filename="passwd"; filename*=UTF-8''passwd`],
			[
				'..\\..\\boot.ini',
				'boot.ini',
				`attachment; filename="boot.ini"; filename*=UTF-8''boot.ini`
			],
			[
				'invoice\u202Efdp.exe',
				'invoicefdp.exe',
				`attachment; filename="invoicefdp.exe"; filename*=UTF-8''invoicefdp.exe`
			],
			[
				'a\r\nSet-Cookie: x=1.txt',
				'aSet-Cookie_ x=1.txt',
				`attachment; filename="aSet-Cookie_ x=1.txt"; filename*=UTF-8''aSet-Cookie_%20x%3D1.txt`
			],
			[
				'"quoted"; name.txt',
				'_quoted_; name.txt',
				`attachment; filename="_quoted_; name.txt"; filename*=UTF-8''_quoted_%3B%20name.txt`
			],
			['..', 'file', `attachment; filename="file"; filename*=UTF-8''file`],
			[
				'사진 (1).jpg',
				'사진 (1).jpg',
				`attachment; filename="__ (1).jpg"; filename*=UTF-8''%EC%82%AC%EC%A7%84%20%281%29.jpg`
			]
		];
		for (const [raw, shown, disposition] of cases) {
			const announced = nextEvent(bo.socket, 'file:added');
			const id = await upload(server, ana, Buffer.from('x'), { name: raw });
			expect((await announced).name, raw).toBe(shown);
			const response = await download(server, id, bo.token);
			expect(response.headers.get('content-disposition'), raw).toBe(disposition);
		}
		expect(storedFiles(server).every((name) => /^[A-Za-z0-9_-]{22}$/.test(name))).toBe(true);
	});

	it('keeps a very long name under 120 characters with its extension', async () => {
		await start();
		const { ana, bo } = await roomOfTwo(server);
		const id = await upload(server, ana, Buffer.from('x'), { name: `${'long '.repeat(200)}.pdf` });
		const response = await download(server, id, bo.token);
		const name = decodeURIComponent(
			response.headers.get('content-disposition')!.split("filename*=UTF-8''")[1]!
		);
		expect([...name].length).toBeLessThanOrEqual(120);
		expect(name.endsWith('….pdf')).toBe(true);
	});
});
