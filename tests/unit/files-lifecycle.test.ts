import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Config } from '../../server/config';
import { nextEvent, startServer, type Harness, type TestClient } from './harness';
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
	upload,
	uploadOffset,
	write
} from './files-client';
import { ManualClock } from './manual-clock';

const MiB = 1024 * 1024;
let server: Harness;
let clock: ManualClock;

async function start(overrides: Partial<Config> = {}) {
	clock = new ManualClock();
	server = await startServer(
		{
			resumeGraceSeconds: 60,
			fileGraceSeconds: 5,
			// A dead connection is noticed within a second; much less, and a client on a busy
			// machine misses the server's heartbeat, hangs up and so leaves the room.
			pingIntervalSeconds: 0.5,
			pingTimeoutSeconds: 0.5,
			...overrides
		},
		{ clock }
	);
}
afterEach(() => server.close());

/** Stops reading from the socket without closing it: to the server, a phone that lost its network. */
function freeze(socket: TestClient) {
	const transport = socket.io.engine.transport as unknown as { ws: { _socket: { pause(): void } } };
	transport.ws._socket.pause();
}

describe('a sender who leaves', () => {
	beforeEach(() => start());

	it('takes their files from disk, from every list and from every link within a second', async () => {
		const { ana, bo } = await roomOfTwo(server);
		const ids = [
			await upload(server, ana, randomBytes(1000)),
			await upload(server, ana, randomBytes(10))
		];
		const kept = await upload(server, bo, randomBytes(100));
		const removed: string[] = [];
		bo.socket.on('file:removed', ({ id }) => removed.push(id));
		const leftAt = Date.now();
		await ana.socket.emitWithAck('room:leave');
		await vi.waitFor(() => expect(storedFiles(server)).toEqual([kept]), { timeout: 1000 });
		await vi.waitFor(() => expect(removed.sort()).toEqual([...ids].sort()), { timeout: 1000 });
		for (const id of ids) expect((await download(server, id, bo.token)).status).toBe(404);
		expect(Date.now() - leftAt).toBeLessThan(1000);
		expect((await download(server, kept, bo.token)).status).toBe(200);
	});

	it('who closes the tab takes their files too', async () => {
		const { ana, bo } = await roomOfTwo(server);
		const id = await upload(server, ana, randomBytes(1000));
		const removed = nextEvent(bo.socket, 'file:removed');
		ana.socket.disconnect();
		expect(await removed).toEqual({ id });
		await vi.waitFor(() => expect(storedFiles(server)).toEqual([]));
	});

	it('mid-upload stops the upload and leaves nothing on disk', async () => {
		const { ana } = await roomOfTwo(server);
		const { id } = await createUpload(server, ana.token, { size: 4 * MiB });
		const patch = streamingPatch(server, ana.token, id!, { length: 4 * MiB });
		await write(patch.request, randomBytes(MiB));
		await vi.waitFor(() => expect(storedSize(server, id!)).toBeGreaterThan(0));
		await ana.socket.emitWithAck('room:leave');
		expect([0, 410]).toContain((await patch.response).status);
		await vi.waitFor(() => expect(storedFiles(server)).toEqual([]));
		patch.request.destroy();
	});
});

describe('an upload', () => {
	beforeEach(() => start());

	it('cancelled while it streams leaves nothing on disk', async () => {
		const { ana } = await roomOfTwo(server);
		const { id } = await createUpload(server, ana.token, { size: 4 * MiB });
		const patch = streamingPatch(server, ana.token, id!, { length: 4 * MiB });
		await write(patch.request, randomBytes(MiB));
		await vi.waitFor(() => expect(storedSize(server, id!)).toBeGreaterThan(0));
		const cancel = await fetch(`${server.url}/files/uploads/${id}`, {
			method: 'DELETE',
			headers: { 'Tus-Resumable': '1.0.0', Authorization: `Bearer ${ana.token}` }
		});
		expect(cancel.status).toBe(204);
		expect(storedFiles(server)).toEqual([]);
		const answer = await patch.response;
		if (answer.status !== 0) expect(JSON.parse(answer.body).error.code).toBe('upload-cancelled');
		patch.request.destroy();
	});

	it('cut off by a network drop resumes where it stopped, or is removed once abandoned', async () => {
		const { ana, bo } = await roomOfTwo(server);
		const bytes = randomBytes(3 * MiB);
		const { id } = await createUpload(server, ana.token, { size: bytes.length });
		const cut = streamingPatch(server, ana.token, id!, { length: bytes.length });
		await write(cut.request, bytes.subarray(0, 2 * MiB));
		await vi.waitFor(() => expect(storedSize(server, id!)).toBeGreaterThanOrEqual(MiB));
		cut.request.destroy();
		expect((await cut.response).status).toBe(0);

		const { offset } = await uploadOffset(server, ana.token, id!);
		expect(offset).toBeGreaterThan(0);
		expect(offset).toBeLessThanOrEqual(2 * MiB);
		clock.advance(59_000);
		const rest = await patchUpload(server, ana.token, id!, offset, bytes.subarray(offset));
		expect(rest.status).toBe(204);
		const response = await download(server, id!, bo.token);
		expect(sha256(new Uint8Array(await response.arrayBuffer()))).toBe(sha256(bytes));

		const { id: abandoned } = await createUpload(server, ana.token, { size: MiB });
		expect((await patchUpload(server, ana.token, abandoned!, 0, randomBytes(1000))).status).toBe(
			204
		);
		clock.advance(59_000);
		expect(await uploadOffset(server, ana.token, abandoned!)).toEqual({
			status: 200,
			offset: 1000
		});
		clock.advance(1_000);
		await vi.waitFor(() => expect(storedFiles(server)).toEqual([id]));
		expect(await uploadOffset(server, ana.token, abandoned!)).toMatchObject({ status: 404 });
	});
});

describe('a sender whose connection drops without leaving', () => {
	it('keeps their files for the file grace, then loses them', async () => {
		await start({ fileGraceSeconds: 30 });
		const { roomId, ana, bo } = await roomOfTwo(server);
		const id = await upload(server, ana, randomBytes(1000));
		const away = nextEvent(bo.socket, 'peer:updated');
		freeze(ana.socket);
		expect(await away).toMatchObject({ id: ana.answer.self.id, isAway: true });

		// The grace counts from the last sign of life, a second or so of real time ago.
		clock.advance(20_000);
		expect((await download(server, id, bo.token)).status).toBe(200);
		const removed = nextEvent(bo.socket, 'file:removed');
		clock.advance(10_000);
		expect(await removed).toEqual({ id });
		await vi.waitFor(() => expect(storedFiles(server)).toEqual([]));
		expect((await download(server, id, bo.token)).status).toBe(404);
		// The seat itself is still held: the files went first, as configured.
		expect(server.dropcall.registry.get(roomId)?.members.has(ana.answer.self.id)).toBe(true);
	});

	it('keeps everything when the sender comes back within the grace', async () => {
		await start({ fileGraceSeconds: 30 });
		const { roomId, ana, bo } = await roomOfTwo(server);
		const id = await upload(server, ana, randomBytes(1000));
		const away = nextEvent(bo.socket, 'peer:updated');
		freeze(ana.socket);
		await away;
		const back = await join(server, roomId, 'Ana', ana.answer.resumeToken);
		expect(back.answer.resumed).toBe(true);
		expect(back.token).toBe(ana.token);
		expect(back.answer.files.map((file) => file.id)).toEqual([id]);

		clock.advance(60_000);
		expect((await download(server, id, bo.token)).status).toBe(200);
		expect(storedFiles(server)).toEqual([id]);
	});

	it('loses them as soon as the drop is noticed when FILE_GRACE_SECONDS is 0', async () => {
		await start({ fileGraceSeconds: 0 });
		const { ana, bo } = await roomOfTwo(server);
		const id = await upload(server, ana, randomBytes(1000));
		const removed = nextEvent(bo.socket, 'file:removed');
		freeze(ana.socket);
		expect(await removed).toEqual({ id });
		await vi.waitFor(() => expect(storedFiles(server)).toEqual([]));
	});

	it('never keeps files longer than the seat, whatever the file grace', async () => {
		await start({ fileGraceSeconds: 600, resumeGraceSeconds: 1 });
		const { ana, bo } = await roomOfTwo(server);
		const id = await upload(server, ana, randomBytes(1000));
		const removed = nextEvent(bo.socket, 'file:removed');
		freeze(ana.socket);
		expect(await nextEvent(bo.socket, 'peer:left')).toEqual({ id: ana.answer.self.id });
		expect(await removed).toEqual({ id });
		await vi.waitFor(() => expect(storedFiles(server)).toEqual([]));
	});
});

describe('the end of a room and of the server', () => {
	it('deletes every file of an ended room', async () => {
		await start();
		const { ana, bo } = await roomOfTwo(server);
		await upload(server, ana, randomBytes(1000));
		await upload(server, bo, randomBytes(1000));
		await server.dropcall.registry.stop();
		await vi.waitFor(() => expect(storedFiles(server)).toEqual([]));
	});

	it('removes the folder it made when it stops', async () => {
		const own = await startServer();
		const { ana } = await roomOfTwo(own);
		const { id } = await createUpload(own, ana.token, { size: MiB });
		expect(id).toBeDefined();
		const folder = own.dropcall.files.folder;
		expect(existsSync(folder)).toBe(true);
		await own.close();
		expect(existsSync(folder)).toBe(false);
		await start();
	});
});
