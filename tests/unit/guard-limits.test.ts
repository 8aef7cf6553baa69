/** Floods from one address are refused past their limits; someone else keeps being served. */
import { afterEach, describe, expect, it } from 'vitest';
import { io as connect, type Socket } from 'socket.io-client';
import * as v from 'valibot';
import {
	FileErrorBodySchema,
	type ClientToServer,
	type ServerToClient
} from '../../src/lib/protocol';
import type { Config } from '../../server/config';
import { connectRefusal } from '../../src/lib/socket';
import { anyMedia, createRoom, rawRequest, startServer, type Harness } from './harness';

type Client = Socket<ServerToClient, ClientToServer>;

let server: Harness;
const opened: Client[] = [];
afterEach(async () => {
	for (const socket of opened.splice(0)) socket.disconnect();
	await server.close();
});

/** Generous event budgets, so a test of another limit does not meet these first. */
const noEventLimits: Partial<Config> = {
	eventPointsPerConnection: 1_000_000,
	eventPointsPerAddress: 1_000_000
};

/** A client from any loopback address: engine.io-client hands `localAddress` to ws. */
function clientFrom(localAddress: string): Promise<Client> {
	const socket: Client = connect(server.url, {
		transports: ['websocket'],
		forceNew: true,
		reconnection: false,
		localAddress
	} as Parameters<typeof connect>[1]);
	opened.push(socket);
	return new Promise((resolve, reject) => {
		socket.once('connect', () => resolve(socket));
		socket.once('connect_error', reject);
	});
}

async function createAndJoin(socket: Client) {
	const roomId = await createRoom(socket, 2);
	return socket.emitWithAck('room:join', { roomId, name: 'Honest', media: anyMedia });
}

describe('room creation', () => {
	it('refuses a flood of rooms from one address past the per-minute cap', async () => {
		server = await startServer({ ...noEventLimits, roomsPerAddressPerMinute: 20 });
		const attacker = await clientFrom('127.0.0.1');
		const answers = [];
		for (let batch = 0; batch < 10; batch++) {
			answers.push(
				...(await Promise.all(
					Array.from({ length: 200 }, () =>
						attacker.emitWithAck('room:create', { seats: 8, devices: 'none' })
					)
				))
			);
		}
		expect(answers.filter((answer) => answer.ok)).toHaveLength(20);
		const refusal = answers.find((answer) => !answer.ok);
		expect(refusal).toMatchObject({ ok: false, error: { code: 'too-many-rooms' } });
		expect(refusal?.ok === false && refusal.error.retryAfterSeconds).toBeGreaterThan(0);
		expect(server.dropcall.registry.roomCount).toBe(20);

		const honest = await clientFrom('127.0.0.2');
		expect(await createAndJoin(honest)).toMatchObject({ ok: true });
		expect(server.dropcall.registry.roomCount).toBe(21);
	});

	it('refuses a room past MAX_ROOMS with its own code', async () => {
		server = await startServer({ maxRooms: 3 });
		const socket = await server.client();
		for (let i = 0; i < 3; i++) await createRoom(socket);
		expect(await socket.emitWithAck('room:create', { seats: 4, devices: 'none' })).toMatchObject({
			ok: false,
			error: { code: 'server-full' }
		});
		expect(server.dropcall.registry.roomCount).toBe(3);
	});
});

describe('connections', () => {
	it('refuses a flood of connections from one address at the handshake', async () => {
		server = await startServer({ maxConnectionsPerAddress: 20 });
		const attempts = await Promise.allSettled(
			Array.from({ length: 1000 }, () => clientFrom('127.0.0.1'))
		);
		const connected = attempts.filter((attempt) => attempt.status === 'fulfilled');
		console.log(`connection flood: ${connected.length} of 1000 connected`);
		expect(connected).toHaveLength(20);
		expect(server.dropcall.io.engine.clientsCount).toBe(20);

		// A browser's long-polling handshake reads why, in our own words.
		const polling = await fetch(`${server.url}/socket.io/?EIO=4&transport=polling`);
		expect(polling.status).toBe(403);
		expect(await polling.json()).toMatchObject({ message: 'too-many-connections' });

		// The app's client reads it from a refused long-polling handshake too.
		const refused = connect(server.url, {
			transports: ['polling'],
			forceNew: true,
			reconnection: false
		});
		// Read at once: engine.io-client aborts the request, emptying its body, right after.
		const refusal = await new Promise((resolve) =>
			refused.once('connect_error', (error) => resolve(connectRefusal(error)))
		);
		expect(refusal).toMatchObject({ code: 'too-many-connections' });

		const honest = await clientFrom('127.0.0.2');
		expect(await createAndJoin(honest)).toMatchObject({ ok: true });

		// Connections that close are no longer counted.
		const first = (connected[0] as PromiseFulfilledResult<Client>).value;
		const closed = new Promise((resolve) => server.dropcall.io.engine.once('connection', resolve));
		first.disconnect();
		await expect.poll(() => server.dropcall.io.engine.clientsCount).toBe(20);
		const again = await clientFrom('127.0.0.1');
		await closed;
		expect(again.connected).toBe(true);
	});
});

describe('event rates', () => {
	it('refuses events past a connection’s budget with when to retry, and drops ack-less ones', async () => {
		server = await startServer({ eventPointsPerConnection: 50, eventPointsPerAddress: 1000 });
		const socket = await server.client();
		const roomId = await createRoom(socket);
		// room:create cost 10 of the 50; each peek costs 2, so exactly 20 more pass.
		const answers = await Promise.all(
			Array.from({ length: 30 }, () => socket.emitWithAck('room:peek', { roomId }))
		);
		expect(answers.filter((answer) => answer.ok)).toHaveLength(20);
		const refusal = answers.find((answer) => !answer.ok);
		expect(refusal).toMatchObject({
			ok: false,
			error: { code: 'rate-limited', retryAfterSeconds: expect.any(Number) }
		});
		// No ack to answer: dropped, and the server carries on.
		(socket as unknown as { emit(event: string, payload: unknown): void }).emit('room:peek', {
			roomId
		});
		const other = await server.client();
		expect(await rawRequest(other, 'room:peek', { roomId })).toMatchObject({ ok: true });
	});

	it('lets a full 8-person room join at once, with a burst of candidates each, on the defaults', async () => {
		server = await startServer();
		const people = await Promise.all(Array.from({ length: 8 }, () => server.client()));
		const roomId = await createRoom(people[0]!, 8);
		const joins = await Promise.all(
			people.map((socket, i) =>
				socket.emitWithAck('room:join', { roomId, name: `P${i}`, media: anyMedia })
			)
		);
		const ids = joins.map((answer) => (answer.ok ? answer.self.id : ''));
		const candidate = { candidate: 'candidate:1 1 udp 2122260223 10.0.0.2 50000 typ host' };
		// Every person: an offer, 16 candidates and an end marker to each of the 7 others.
		const answers = await Promise.all(
			people.flatMap((socket, i) =>
				ids
					.filter((_, j) => j !== i)
					.flatMap((to) => [
						socket.emitWithAck('signal', { to, description: { type: 'offer', sdp: 'v=0' } }),
						...Array.from({ length: 16 }, () =>
							socket.emitWithAck('signal', { to, candidate: { ...candidate, sdpMid: '0' } })
						),
						socket.emitWithAck('signal', { to, candidate: null })
					])
			)
		);
		expect(answers).toHaveLength(8 * 7 * 18);
		expect(answers.filter((answer) => !answer.ok)).toEqual([]);
	});
});

describe('file routes', () => {
	it('answer 429 with Retry-After past an address’s request budget', async () => {
		server = await startServer({ fileRequestsPerAddress: 5 });
		const statuses = [];
		for (let i = 0; i < 5; i++) {
			statuses.push((await fetch(`${server.url}/files/AAAAAAAAAAAAAAAAAAAAAA?token=x`)).status);
		}
		expect(statuses).not.toContain(429);
		const refused = await fetch(`${server.url}/files/AAAAAAAAAAAAAAAAAAAAAA?token=x`);
		expect(refused.status).toBe(429);
		expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
		const body = v.parse(FileErrorBodySchema, await refused.json());
		expect(body.error.code).toBe('rate-limited');
		// Routes other than the file routes are not counted.
		expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
	});
});
