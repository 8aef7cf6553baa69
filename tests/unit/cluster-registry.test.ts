/**
 * RedisRegistry against a real redis-server: each "process" here is a registry joined to the
 * cluster as server/cluster/index.ts joins one (its own Redis clients, subscription and
 * heartbeat), so what one decides the others must see.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { joinCluster, type Cluster } from '../../server/cluster/index';
import { readConfig, type Config } from '../../server/config';
import { FileTokens } from '../../server/files/tokens';
import { setQuiet } from '../../server/log';
import type { JoinOutcome } from '../../server/registry';
import type { Room } from '../../server/rooms';
import type { JoinAnswer, Result } from '../../src/lib/protocol';
import { anyMedia, createRoom } from './harness';
import { startTestRedis, type TestRedis } from './cluster-nodes';

let redis: TestRedis;
let processes: Cluster[] = [];

beforeAll(async () => {
	// A process that "dies" below would log its failing heartbeat.
	setQuiet(true);
	redis = await startTestRedis();
}, 30_000);
afterEach(async () => {
	for (const each of processes) {
		await each.registry.stop();
		await each.stop();
	}
	processes = [];
	await redis.closeNodes();
});
afterAll(() => redis?.stop());

async function process(name: string, overrides: Partial<Config> = {}): Promise<Cluster> {
	const config: Config = {
		...readConfig({}),
		quiet: true,
		redisUrl: redis.server.url,
		nodeName: name,
		...overrides
	};
	const cluster = await joinCluster(config);
	processes.push(cluster);
	return cluster;
}

async function roomOn(cluster: Cluster, seats = 4, devices: Room['devices'] = 'none') {
	const room = await cluster.registry.create(seats, devices);
	if ('code' in room) throw new Error(room.message);
	return room.id;
}

const request = (name: string, resumeToken?: string) => ({
	name,
	media: anyMedia,
	...(resumeToken ? { resumeToken } : {})
});

function admitted(outcome: JoinOutcome) {
	if (!outcome.ok) throw new Error(outcome.error.message);
	return outcome;
}

/** The seats Redis holds for a room: what every process decides from. */
async function storedSeats(roomId: string) {
	const raw = await redis.client.hGetAll(`dropcall:room:${roomId}:seats`);
	return Object.values(raw).map(
		(json) => JSON.parse(json) as { peerId: string; connectionId: string; node: string }
	);
}

describe('seats', () => {
	it('20 simultaneous joins over two processes to a 4-seat room admit exactly 4', async () => {
		const one = await process('1');
		const two = await process('2');
		const roomId = await roomOn(one);
		const outcomes = await Promise.all(
			Array.from({ length: 20 }, (_, index) =>
				(index % 2 ? two : one).registry.join(roomId, request(`P${index}`), `c${index}`)
			)
		);
		expect(outcomes.filter((outcome) => outcome.ok)).toHaveLength(4);
		for (const outcome of outcomes) {
			if (!outcome.ok) {
				expect(outcome.error).toMatchObject({ code: 'room-full', room: { seats: 4, taken: 4 } });
			}
		}
		expect(await storedSeats(roomId)).toHaveLength(4);
		// Both processes' views come to hold the same four seats.
		for (const each of [one, two]) {
			await expect.poll(() => each.registry.get(roomId)?.members.size).toBe(4);
		}
	});

	it('keeps MAX_ROOMS over both processes', async () => {
		const one = await process('1', { maxRooms: 1 });
		const two = await process('2', { maxRooms: 1 });
		await roomOn(one);
		expect(await two.registry.create(4, 'none')).toMatchObject({ code: 'server-full' });
	});

	it('holds the device rule wherever the join lands', async () => {
		const one = await process('1');
		const two = await process('2');
		const roomId = await roomOn(one, 4, 'video');
		const audioOnly = await two.registry.join(
			roomId,
			{ name: 'Ana', media: { audio: true, video: false } },
			'c1'
		);
		expect(audioOnly).toMatchObject({
			ok: false,
			error: { code: 'devices-required', room: { devices: 'video', taken: 0 } }
		});
		expect(await storedSeats(roomId)).toHaveLength(0);
		expect((await two.registry.join(roomId, request('Ana'), 'c2')).ok).toBe(true);
	});
});

describe('resume tokens', () => {
	it('take back a held seat on another process, the same seat, counted once', async () => {
		const one = await process('1');
		const two = await process('2');
		const roomId = await roomOn(one, 2);
		const ana = admitted(await one.registry.join(roomId, request('Ana'), 'ana-1'));
		await one.registry.hold(roomId, ana.seat.peerId, 30_000, 'ana-1');
		const resumed = admitted(
			await two.registry.join(roomId, request('Ana', ana.seat.resumeToken), 'ana-2')
		);
		expect(resumed).toMatchObject({ resumed: true, seat: { peerId: ana.seat.peerId } });
		const seats = await storedSeats(roomId);
		expect(seats).toHaveLength(1);
		expect(seats[0]).toMatchObject({ connectionId: 'ana-2', node: two.registry.node });

		// A second page with the same token takes the seat over and says whose it was.
		const again = admitted(
			await one.registry.join(roomId, request('Ana', ana.seat.resumeToken), 'ana-3')
		);
		expect(again).toMatchObject({ resumed: true, replacedConnectionId: 'ana-2' });
		expect(await storedSeats(roomId)).toHaveLength(1);

		// A token that is not the room's takes a new seat, as any join would.
		const stranger = admitted(await two.registry.join(roomId, request('Bo', 'x'.repeat(43)), 'bo'));
		expect(stranger.resumed).toBe(false);
		expect(stranger.seat.peerId).not.toBe(ana.seat.peerId);
	});

	it('stop working once the seat is freed', async () => {
		const one = await process('1');
		const roomId = await roomOn(one, 2);
		const ana = admitted(await one.registry.join(roomId, request('Ana'), 'ana-1'));
		await one.registry.leave(roomId, ana.seat.peerId, 'ana-1');
		const later = admitted(
			await one.registry.join(roomId, request('Ana', ana.seat.resumeToken), 'ana-2')
		);
		expect(later.resumed).toBe(false);
		expect(later.seat.peerId).not.toBe(ana.seat.peerId);
	});
});

describe('expiry', () => {
	it('ends a room nobody joined, on every process', async () => {
		const one = await process('1', { unjoinedRoomSeconds: 0.2 });
		const two = await process('2', { unjoinedRoomSeconds: 0.2 });
		const roomId = await roomOn(one);
		await expect.poll(() => two.registry.get(roomId)).toBeDefined();
		const ended = new Promise<string>((resolve) =>
			two.registry.once('roomEnded', (room) => resolve(room.id))
		);
		expect(await ended).toBe(roomId);
		await expect.poll(() => one.registry.get(roomId)).toBeUndefined();
		expect(await one.registry.peek(roomId)).toBeUndefined();
	});

	it('frees a held seat when its grace runs out, telling every process', async () => {
		const one = await process('1', { resumeGraceSeconds: 0.3 });
		const two = await process('2', { resumeGraceSeconds: 0.3 });
		const roomId = await roomOn(one);
		const ana = admitted(await one.registry.join(roomId, request('Ana'), 'ana-1'));
		await expect.poll(() => two.registry.get(roomId)?.members.size).toBe(1);
		const left = new Promise<string>((resolve) =>
			two.registry.once('peerLeft', (_room, seat) => resolve(seat.peerId))
		);
		await one.registry.hold(roomId, ana.seat.peerId, 300, 'ana-1');
		expect(await left).toBe(ana.seat.peerId);
		expect(await storedSeats(roomId)).toHaveLength(0);
		const late = admitted(
			await two.registry.join(roomId, request('Ana', ana.seat.resumeToken), 'ana-2')
		);
		expect(late.resumed).toBe(false);
	});
});

describe('file tokens', () => {
	it('stop working on the process that issued them once another frees the seat', async () => {
		const one = await process('1');
		const two = await process('2');
		const tokens = new FileTokens(one.registry);
		const roomId = await roomOn(one);
		const ana = admitted(await one.registry.join(roomId, request('Ana'), 'ana-1'));
		const token = tokens.issue(roomId, ana.seat.peerId);
		expect(tokens.resolve(token)).toMatchObject({ roomId, peerId: ana.seat.peerId });
		await expect.poll(() => two.registry.get(roomId)?.members.size).toBe(1);
		await two.registry.leave(roomId, ana.seat.peerId);
		await expect.poll(() => tokens.resolve(token)).toBeUndefined();
	});
});

describe('a process that dies', () => {
	it(
		'has its seats held by the sweep, and resumed on another process',
		{ timeout: 30_000 },
		async () => {
			const one = await process('1');
			const two = await process('2');
			const roomId = await roomOn(one);
			const ana = admitted(await one.registry.join(roomId, request('Ana'), 'ana-1'));
			const bo = admitted(await two.registry.join(roomId, request('Bo'), 'bo-1'));
			// As a SIGKILL would: it stops talking to Redis, releasing nothing.
			await one.stop();
			processes = processes.filter((each) => each !== one);
			await expect
				.poll(
					async () => (await storedSeats(roomId)).find((seat) => seat.peerId === ana.seat.peerId),
					{
						timeout: 20_000
					}
				)
				.toMatchObject({ connectionId: '', node: '' });
			expect(await redis.client.sMembers('dropcall:nodes')).toEqual([two.registry.node]);
			await expect
				.poll(() => two.registry.get(roomId)?.members.get(ana.seat.peerId)?.connectionId)
				.toBeNull();
			// Bo, on the living process, was not touched.
			expect(
				(await storedSeats(roomId)).find((seat) => seat.peerId === bo.seat.peerId)
			).toMatchObject({
				connectionId: 'bo-1'
			});
			const resumed = admitted(
				await two.registry.join(roomId, request('Ana', ana.seat.resumeToken), 'ana-2')
			);
			expect(resumed).toMatchObject({ resumed: true, seat: { peerId: ana.seat.peerId } });
			expect(await storedSeats(roomId)).toHaveLength(2);
		}
	);
});

describe('Redis restarting', () => {
	it(
		'answers try-again meanwhile, then recovers without counting a seat twice',
		{ timeout: 60_000 },
		async () => {
			const one = await redis.node('1');
			const two = await redis.node('2');
			const roomId = await createRoom(await one.client(), 3);
			const join = async (node: typeof one, name: string) =>
				(await node.client()).timeout(5000).emitWithAck('room:join', {
					roomId,
					name,
					media: anyMedia
				}) as Promise<Result<JoinAnswer>>;
			expect((await join(one, 'Ana')).ok).toBe(true);
			expect((await join(two, 'Bo')).ok).toBe(true);
			const before = (await storedSeats(roomId)).map((seat) => seat.peerId).sort();

			await redis.server.kill();
			// Answered at once, not after the client's timeout.
			expect(await join(one, 'Chul')).toMatchObject({ ok: false, error: { code: 'try-again' } });
			await redis.server.start();

			// Each process writes back its own people, connected, once.
			await expect
				.poll(
					async () =>
						(await storedSeats(roomId).catch(() => []))
							.filter((seat) => seat.connectionId !== '')
							.map((seat) => seat.peerId)
							.sort(),
					{ timeout: 30_000 }
				)
				.toEqual(before);
			await expect.poll(async () => (await join(two, 'Chul')).ok, { timeout: 30_000 }).toBe(true);
			expect(await storedSeats(roomId)).toHaveLength(3);
			expect(await join(one, 'Dan')).toMatchObject({ ok: false, error: { code: 'room-full' } });
		}
	);
});
