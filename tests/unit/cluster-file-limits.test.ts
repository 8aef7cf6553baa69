/**
 * The file store's byte and count limits on several processes: every node reserves in Redis,
 * so uploads spread over processes add up against one MAX_ROOM_BYTES and one MAX_STORE_BYTES.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createRoom, nextEvent } from './harness';
import { randomBytes } from 'node:crypto';
import { UPLOADS_PATH } from '../../src/lib/protocol';
import { createUpload, join, streamingPatch, upload, write } from './files-client';
import { startTestRedis, type TestRedis } from './cluster-nodes';

const MiB = 2 ** 20;
let redis: TestRedis;

beforeAll(async () => {
	redis = await startTestRedis();
}, 30_000);
afterEach(() => redis.closeNodes());
afterAll(() => redis?.stop());

const limits = { maxRoomBytes: 3 * MiB, maxStoreBytes: 4 * MiB, minStoredFileBytes: 0 };
type Settings = Parameters<TestRedis['node']>[1];

/** Two processes sharing one room: Ana joined through the first, Bo through the second. */
async function sharedRoom(settingsOfOne: Settings = limits, settingsOfTwo = settingsOfOne) {
	const one = await redis.node('1', settingsOfOne);
	const two = await redis.node('2', settingsOfTwo);
	const roomId = await createRoom(await one.client());
	const ana = await join(one, roomId, 'Ana');
	const bo = await join(two, roomId, 'Bo');
	return { one, two, roomId, ana, bo };
}

describe('byte limits over two processes', () => {
	it('refuses the second upload to one room when the two together pass MAX_ROOM_BYTES', async () => {
		const { one, two, ana, bo } = await sharedRoom();
		expect((await createUpload(one, ana.token, { size: 2 * MiB })).status).toBe(201);
		const refused = await createUpload(two, bo.token, { size: 2 * MiB });
		expect(refused.status).toBe(413);
		expect(JSON.parse(refused.body).error).toEqual({
			code: 'room-storage-full',
			message: 'This room can hold 3 MB of files and has 1 MB left; this file is 2 MB.',
			sizeBytes: 2 * MiB,
			limitBytes: 3 * MiB,
			leftBytes: MiB
		});
	});

	it('refuses an upload to another room when the two processes together pass MAX_STORE_BYTES', async () => {
		const one = await redis.node('1', limits);
		const two = await redis.node('2', limits);
		const ana = await join(one, await createRoom(await one.client()), 'Ana');
		const bo = await join(two, await createRoom(await two.client()), 'Bo');
		expect((await createUpload(one, ana.token, { size: 3 * MiB })).status).toBe(201);
		const refused = await createUpload(two, bo.token, { size: 2 * MiB });
		expect(refused.status).toBe(507);
		expect(JSON.parse(refused.body).error.code).toBe('storage-full');
	});
});

/** What Redis counts against a room's MAX_ROOM_BYTES now. */
async function roomBytes(roomId: string): Promise<number> {
	return Number((await redis.client.hGet('dropcall:quota:room-bytes', roomId)) ?? 0);
}

describe('reservations are freed, whichever process held them', () => {
	it('frees a room’s bytes when the upload is cancelled, and when the file is deleted', async () => {
		const { one, two, roomId, ana, bo } = await sharedRoom();
		const { id } = await createUpload(one, ana.token, { size: 2 * MiB });
		expect(await roomBytes(roomId)).toBe(2 * MiB);
		const cancelled = await fetch(`${one.url}${UPLOADS_PATH}/${id}`, {
			method: 'DELETE',
			headers: { 'Tus-Resumable': '1.0.0', Authorization: `Bearer ${ana.token}` }
		});
		expect(cancelled.status).toBe(204);
		await expect.poll(() => roomBytes(roomId)).toBe(0);

		const fileId = await upload(one, ana, randomBytes(2 * MiB));
		expect(await roomBytes(roomId)).toBe(2 * MiB);
		expect((await createUpload(two, bo.token, { size: 2 * MiB })).status).toBe(413);
		expect(await ana.socket.emitWithAck('file:delete', { id: fileId })).toEqual({ ok: true });
		await expect.poll(() => roomBytes(roomId)).toBe(0);
		expect((await createUpload(two, bo.token, { size: 2 * MiB })).status).toBe(201);
	});

	it('frees the uploads of a sender who leaves', async () => {
		const { one, two, roomId, ana, bo } = await sharedRoom();
		await createUpload(one, ana.token, { size: 2 * MiB });
		await ana.socket.emitWithAck('room:leave');
		await expect.poll(() => roomBytes(roomId)).toBe(0);
		expect((await createUpload(two, bo.token, { size: 2 * MiB })).status).toBe(201);
	});

	it('frees what a process held once its heartbeat stops', { timeout: 30_000 }, async () => {
		const { one, two, roomId, ana, bo } = await sharedRoom();
		await createUpload(one, ana.token, { size: 2 * MiB });
		// As a SIGKILL would: it stops talking to Redis without releasing anything.
		await one.cluster.stop();
		await expect.poll(() => roomBytes(roomId), { timeout: 20_000 }).toBe(0);
		expect((await createUpload(two, bo.token, { size: 2 * MiB })).status).toBe(201);
	});
});

describe('caps per seat and per address over two processes', () => {
	it('counts one address’s uploads still on their way on both processes', async () => {
		const settings = { ...limits, maxRoomBytes: 100 * MiB, maxPendingBytesPerAddress: 3 * MiB };
		const { one, two, ana, bo } = await sharedRoom(settings);
		expect((await createUpload(one, ana.token, { size: 2 * MiB })).status).toBe(201);
		const refused = await createUpload(two, bo.token, { size: 2 * MiB });
		expect(refused.status).toBe(429);
		expect(JSON.parse(refused.body).error.code).toBe('too-many-uploads');
	});

	it('counts the room’s files on both processes against MAX_ROOM_FILES', async () => {
		const settings = { ...limits, maxRoomFiles: 1 };
		const { one, two, ana, bo } = await sharedRoom(settings);
		await upload(one, ana, randomBytes(1000));
		const refused = await createUpload(two, bo.token, { size: 1000 });
		expect(refused.status).toBe(413);
		expect(JSON.parse(refused.body).error).toMatchObject({
			code: 'room-storage-full',
			limitFiles: 1
		});
	});
});

describe('Redis restarted empty', () => {
	it(
		'gets every process’s reservations back, and asks for a new upload meanwhile to try again',
		{ timeout: 30_000 },
		async () => {
			const { one, two, roomId, ana, bo } = await sharedRoom();
			await createUpload(one, ana.token, { size: 2 * MiB });
			await redis.server.kill();
			const away = await createUpload(two, bo.token, { size: 2 * MiB });
			expect(away.status).toBe(503);
			expect(JSON.parse(away.body).error.code).toBe('try-again');
			await redis.server.start();
			await expect.poll(() => roomBytes(roomId).catch(() => -1), { timeout: 20_000 }).toBe(2 * MiB);
			// Back, and still counting the first upload: the second does not fit beside it.
			await expect
				.poll(async () => (await createUpload(two, bo.token, { size: 2 * MiB })).status, {
					timeout: 20_000
				})
				.toBe(413);
		}
	);
});

describe('a process stopping gracefully', () => {
	it('lets an upload under way finish, then leaves nothing of it in Redis', async () => {
		const { one, roomId, ana, bo } = await sharedRoom(
			{ ...limits, uploadDrainSeconds: 30 },
			limits
		);
		const { id } = await createUpload(one, ana.token, { size: 2 * MiB });
		const patch = streamingPatch(one, ana.token, id!, { length: 2 * MiB });
		await write(patch.request, randomBytes(MiB));
		const stopping = one.dropcall.stop();
		const lost = nextEvent(bo.socket, 'file:removed');
		patch.request.end(randomBytes(MiB));
		expect((await patch.response).status).toBe(204);
		await stopping;
		// Finished before the handover, so the handover took it along, telling everyone why.
		expect(await lost).toEqual({ id, reason: 'server-lost' });
		expect(await redis.client.hLen('dropcall:files')).toBe(0);
		expect(await redis.client.hLen('dropcall:quota:entries')).toBe(0);
		expect(await roomBytes(roomId)).toBe(0);
	});
});
