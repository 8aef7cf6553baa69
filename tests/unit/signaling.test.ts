import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { JoinAnswer, Result } from '../../src/lib/protocol';
import {
	anyMedia,
	createRoom,
	nextEvent,
	rawRequest,
	startServer,
	type Harness,
	type TestClient
} from './harness';

let server: Harness;

beforeEach(async () => {
	server = await startServer({
		resumeGraceSeconds: 1,
		reloadGraceSeconds: 1,
		pingIntervalSeconds: 0.2,
		pingTimeoutSeconds: 0.2
	});
});
afterEach(() => server.close());

async function join(socket: TestClient, roomId: string, name: string, resumeToken?: string) {
	return socket.emitWithAck('room:join', {
		roomId,
		name,
		media: anyMedia,
		...(resumeToken ? { resumeToken } : {})
	});
}

function joined(answer: Result<JoinAnswer>): JoinAnswer {
	if (!answer.ok) throw new Error(`join refused: ${answer.error.message}`);
	return answer;
}

/** Stops reading from the socket without closing it: to the server, a phone that lost its network. */
function freeze(socket: TestClient) {
	const transport = socket.io.engine.transport as unknown as { ws: { _socket: { pause(): void } } };
	transport.ws._socket.pause();
}

function seatsTaken(roomId: string) {
	return server.dropcall.registry.get(roomId)?.members.size;
}

describe('joining', () => {
	it('admits exactly as many as there are seats, however many join at once', async () => {
		const host = await server.client();
		const roomId = await createRoom(host, 4);
		const people = await Promise.all(Array.from({ length: 20 }, () => server.client()));
		const answers = await Promise.all(people.map((socket, i) => join(socket, roomId, `P${i}`)));
		expect(answers.filter((answer) => answer.ok)).toHaveLength(4);
		const refusals = answers.filter((answer) => !answer.ok);
		expect(refusals).toHaveLength(16);
		for (const refusal of refusals) {
			expect(refusal).toMatchObject({
				ok: false,
				error: { code: 'room-full', message: 'This room is full (4 of 4)' }
			});
		}
		expect(seatsTaken(roomId)).toBe(4);
	});

	it('lists the people already there and tells them about the newcomer', async () => {
		const [ana, bo] = [await server.client(), await server.client()];
		const roomId = await createRoom(ana);
		const anaJoin = joined(await join(ana, roomId, 'Ana'));
		expect(anaJoin.peers).toEqual([]);
		expect(anaJoin.iceServers.length).toBeGreaterThan(0);
		const announced = nextEvent(ana, 'peer:joined');
		const boJoin = joined(await join(bo, roomId, 'Bo'));
		expect(boJoin.peers.map((peer) => peer.name)).toEqual(['Ana']);
		expect(await announced).toMatchObject({ id: boJoin.self.id, name: 'Bo', isAway: false });
	});

	it('refuses someone without the devices the room asks for', async () => {
		const socket = await server.client();
		const roomId = await createRoom(socket, 4, 'video');
		const answer = await socket.emitWithAck('room:join', {
			roomId,
			name: 'Mic only',
			media: { audio: true, video: false }
		});
		expect(answer).toMatchObject({ ok: false, error: { code: 'devices-required' } });
		expect(seatsTaken(roomId)).toBe(0);
	});

	it('says when a room does not exist', async () => {
		const socket = await server.client();
		const answer = await join(socket, 'AAAAAAAAAAAAAAAAAAAAAA', 'Ana');
		expect(answer).toMatchObject({ ok: false, error: { code: 'room-not-found' } });
	});
});

describe('the signaling relay', () => {
	it('delivers to the addressed peer only, stamped with the real sender', async () => {
		const [ana, bo, chul] = await Promise.all([1, 2, 3].map(() => server.client()));
		const roomId = await createRoom(ana!);
		const anaId = joined(await join(ana!, roomId, 'Ana')).self.id;
		const boId = joined(await join(bo!, roomId, 'Bo')).self.id;
		joined(await join(chul!, roomId, 'Chul'));
		let chulGotSignal = false;
		chul!.on('signal', () => (chulGotSignal = true));

		const received = nextEvent(bo!, 'signal');
		const forged = {
			to: boId,
			from: 'forgedforgedforg',
			description: { type: 'offer', sdp: 'v=0' }
		};
		expect(await rawRequest(ana!, 'signal', forged)).toEqual({ ok: true });
		expect(await received).toEqual({ from: anaId, description: { type: 'offer', sdp: 'v=0' } });
		// A round trip to Chul's connection proves nothing was queued for it meanwhile.
		await chul!.emitWithAck('room:peek', { roomId });
		expect(chulGotSignal).toBe(false);
	});

	it('cannot reach a peer in another room', async () => {
		const [ana, bo] = [await server.client(), await server.client()];
		const roomA = await createRoom(ana);
		const roomB = await createRoom(bo);
		joined(await join(ana, roomA, 'Ana'));
		const boId = joined(await join(bo, roomB, 'Bo')).self.id;
		let boGotSignal = false;
		bo.on('signal', () => (boGotSignal = true));
		const answer = await ana.emitWithAck('signal', { to: boId, candidate: null });
		expect(answer).toMatchObject({ ok: false, error: { code: 'peer-not-found' } });
		await bo.emitWithAck('room:peek', { roomId: roomB });
		expect(boGotSignal).toBe(false);
	});

	it('refuses signals from someone not in a room', async () => {
		const socket = await server.client();
		const answer = await socket.emitWithAck('signal', { to: 'AAAAAAAAAAAAAAAA', candidate: null });
		expect(answer).toMatchObject({ ok: false, error: { code: 'not-in-room' } });
	});
});

describe('bad input', () => {
	const huge = 'x'.repeat(70 * 1024);
	const malformed: Record<string, unknown[]> = {
		'room:create': [
			undefined,
			null,
			42,
			'room',
			{},
			{ seats: '4', devices: 'none' },
			{ seats: 1, devices: 'none' },
			{ seats: 9, devices: 'none' },
			{ seats: 3.5, devices: 'none' },
			{ seats: 4, devices: 'everything' },
			{ seats: 4, devices: 'none', extra: true },
			JSON.parse('{"seats":4,"devices":"none","__proto__":{"isAdmin":true}}'),
			{ seats: 4, devices: huge }
		],
		'room:peek': [{}, { roomId: 42 }, { roomId: '../../etc/passwd' }, { roomId: huge }],
		'room:join': [
			{},
			{ roomId: 'short', name: 'A', media: anyMedia },
			{ name: 'A', media: anyMedia },
			{ roomId: 'AAAAAAAAAAAAAAAAAAAAAA', name: '', media: anyMedia },
			{ roomId: 'AAAAAAAAAAAAAAAAAAAAAA', name: '   ', media: anyMedia },
			{ roomId: 'AAAAAAAAAAAAAAAAAAAAAA', name: 'x'.repeat(41), media: anyMedia },
			{ roomId: 'AAAAAAAAAAAAAAAAAAAAAA', name: '\u202e\u200b', media: anyMedia },
			{ roomId: 'AAAAAAAAAAAAAAAAAAAAAA', name: 'A', media: { audio: 'yes', video: false } },
			{ roomId: 'AAAAAAAAAAAAAAAAAAAAAA', name: 'A', media: anyMedia, resumeToken: 'x' },
			JSON.parse(
				'{"roomId":"AAAAAAAAAAAAAAAAAAAAAA","name":"A","media":{"audio":true,"video":true},"__proto__":{"x":1}}'
			)
		],
		'peer:media': [{}, { media: null }, { media: { audio: true } }],
		signal: [
			{},
			{ to: 'AAAAAAAAAAAAAAAA' },
			{ to: 'AAAAAAAAAAAAAAAA', description: { type: 'hello', sdp: '' } },
			{ to: 'AAAAAAAAAAAAAAAA', description: { type: 'offer', sdp: 42 } },
			{ to: 'AAAAAAAAAAAAAAAA', candidate: { candidate: 7 } },
			{ to: 42, candidate: null },
			{ to: 'AAAAAAAAAAAAAAAA', description: { type: 'offer', sdp: huge } }
		]
	};

	for (const [event, payloads] of Object.entries(malformed)) {
		it(`answers every malformed ${event} with an error and changes nothing`, async () => {
			const [host, guest] = [await server.client(), await server.client()];
			const roomId = await createRoom(host, 2);
			joined(await join(host, roomId, 'Host'));
			const before = { rooms: server.dropcall.registry.roomCount, seats: seatsTaken(roomId) };
			for (const payload of payloads) {
				const answer = (await rawRequest(guest, event, payload)) as Result<object>;
				expect(answer.ok, `${event} ${JSON.stringify(payload)?.slice(0, 80)}`).toBe(false);
				if (!answer.ok) {
					expect(['invalid-request', 'too-large', 'not-in-room']).toContain(answer.error.code);
					expect(answer.error.message.length).toBeGreaterThan(0);
				}
			}
			expect(server.dropcall.registry.roomCount).toBe(before.rooms);
			expect(seatsTaken(roomId)).toBe(before.seats);
			expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
		});
	}

	it('refuses a message over 64 KiB and one with an unknown event', async () => {
		const socket = await server.client();
		expect(
			await rawRequest(socket, 'room:create', { seats: 4, devices: 'x'.repeat(65 * 1024) })
		).toMatchObject({
			ok: false,
			error: { code: 'too-large' }
		});
		expect(await rawRequest(socket, 'room:destroy', {})).toMatchObject({
			ok: false,
			error: { code: 'invalid-request' }
		});
		expect(server.dropcall.registry.roomCount).toBe(0);
	});

	it('refuses a second join on the same connection', async () => {
		const socket = await server.client();
		const roomId = await createRoom(socket);
		joined(await join(socket, roomId, 'Ana'));
		expect(await join(socket, roomId, 'Ana again')).toMatchObject({
			ok: false,
			error: { code: 'already-joined' }
		});
		expect(seatsTaken(roomId)).toBe(1);
	});
});

describe('leaving and dropping', () => {
	it('frees the seat at once on leave or a closed connection', async () => {
		const [ana, bo, chul] = await Promise.all([1, 2, 3].map(() => server.client()));
		const roomId = await createRoom(ana!);
		joined(await join(ana!, roomId, 'Ana'));
		const boId = joined(await join(bo!, roomId, 'Bo')).self.id;
		const chulId = joined(await join(chul!, roomId, 'Chul')).self.id;

		const boLeft = nextEvent(ana!, 'peer:left');
		expect(await bo!.emitWithAck('room:leave')).toEqual({ ok: true });
		expect(await boLeft).toEqual({ id: boId });

		const chulLeft = nextEvent(ana!, 'peer:left');
		chul!.disconnect();
		expect(await chulLeft).toEqual({ id: chulId });
		expect(seatsTaken(roomId)).toBe(1);
	});

	it('holds the seat of a dead connection for the grace, then frees it', async () => {
		const [ana, bo] = [await server.client(), await server.client()];
		const roomId = await createRoom(ana, 2);
		joined(await join(ana, roomId, 'Ana'));
		const boId = joined(await join(bo, roomId, 'Bo')).self.id;

		const away = nextEvent(ana, 'peer:updated');
		const left = nextEvent(ana, 'peer:left');
		freeze(bo);
		expect(await away).toMatchObject({ id: boId, isAway: true });
		expect(seatsTaken(roomId)).toBe(2);
		expect(await left).toEqual({ id: boId });
		expect(seatsTaken(roomId)).toBe(1);
	});

	it('gives a resumed connection its seat and id back, even in a full room', async () => {
		const [ana, bo, thief] = await Promise.all([1, 2, 3].map(() => server.client()));
		const roomId = await createRoom(ana!, 2);
		joined(await join(ana!, roomId, 'Ana'));
		const first = joined(await join(bo!, roomId, 'Bo'));

		const away = nextEvent(ana!, 'peer:updated');
		freeze(bo!);
		await away;
		expect(await join(thief!, roomId, 'Thief')).toMatchObject({
			ok: false,
			error: { code: 'room-full' }
		});

		const back = nextEvent(ana!, 'peer:updated');
		const reconnected = await server.client();
		const resumed = joined(await join(reconnected, roomId, 'Bo', first.resumeToken));
		expect(resumed.resumed).toBe(true);
		expect(resumed.self.id).toBe(first.self.id);
		expect(resumed.peers.map((peer) => peer.name)).toEqual(['Ana']);
		expect(await back).toMatchObject({ id: first.self.id, isAway: false });
		expect(seatsTaken(roomId)).toBe(2);
	});

	it('holds the seat of a page that said it may be back, for the reload grace', async () => {
		const [ana, bo] = [await server.client(), await server.client()];
		const roomId = await createRoom(ana, 2);
		joined(await join(ana, roomId, 'Ana'));
		const first = joined(await join(bo, roomId, 'Bo'));

		// A reload: the page says room:away, then its connection closes as a closed tab's does.
		const away = nextEvent(ana, 'peer:updated');
		expect(await bo.emitWithAck('room:away')).toEqual({ ok: true });
		bo.disconnect();
		expect(await away).toMatchObject({ id: first.self.id, isAway: true });
		expect(seatsTaken(roomId)).toBe(2);

		const back = nextEvent(ana, 'peer:updated');
		const reloaded = await server.client();
		const resumed = joined(await join(reloaded, roomId, 'Bo', first.resumeToken));
		expect(resumed).toMatchObject({ resumed: true, fileToken: first.fileToken });
		expect(resumed.self.id).toBe(first.self.id);
		expect(await back).toMatchObject({ id: first.self.id, isAway: false });

		// A closed tab says the same and never comes back: the seat goes after the reload grace.
		const left = nextEvent(ana, 'peer:left');
		await reloaded.emitWithAck('room:away');
		reloaded.disconnect();
		expect(await left).toEqual({ id: first.self.id });
		expect(seatsTaken(roomId)).toBe(1);
	});

	it('treats a wrong resume token as a new person', async () => {
		const [ana, bo] = [await server.client(), await server.client()];
		const roomId = await createRoom(ana);
		const anaJoin = joined(await join(ana, roomId, 'Ana'));
		const token = anaJoin.resumeToken.replace(/^./, (c) => (c === 'A' ? 'B' : 'A'));
		const answer = joined(await join(bo, roomId, 'Bo', token));
		expect(answer.resumed).toBe(false);
		expect(answer.self.id).not.toBe(anaJoin.self.id);
	});
});
