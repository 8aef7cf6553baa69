/**
 * Every client-to-server event, fed malformed and hostile payloads by fast-check: wrong types,
 * huge strings, deep nesting, __proto__ and constructor keys, extra keys, missing, odd or
 * misplaced acks, well-formed ids that do not exist, valid signals to people in other rooms.
 * Each must get a clear error answer or be dropped, and change nothing.
 */
import fc from 'fast-check';
import * as v from 'valibot';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
	clientEvents,
	CreateRoomSchema,
	errorCodes,
	SignalSchema,
	type RelayedSignal
} from '../../src/lib/protocol';
import { join, upload, type Member } from './files-client';
import { createRoom, startServer, type Harness, type TestClient } from './harness';

let server: Harness;
let roomId: string;
let otherRoomId: string;
/** Not in any room. */
let stranger: TestClient;
/** In the room, with someone to signal to and someone else's file to delete. */
let member: Member;
let victim: Member;
let outsider: Member;
let fileId: string;
const victimReceived: RelayedSignal[] = [];
const outsiderReceived: RelayedSignal[] = [];

beforeAll(async () => {
	// Generous limits: this is about what a payload can do, not about how many are sent.
	server = await startServer({
		eventPointsPerConnection: 1e9,
		eventPointsPerAddress: 1e9,
		roomsPerAddressPerMinute: 1e9,
		maxRooms: 1e9
	});
	const host = await server.client();
	roomId = await createRoom(host, 4);
	otherRoomId = await createRoom(host, 4);
	victim = await join(server, roomId, 'Victim');
	member = await join(server, roomId, 'Member');
	outsider = await join(server, otherRoomId, 'Outsider');
	stranger = await server.client();
	fileId = await upload(server, victim, new Uint8Array([1, 2, 3]));
	victim.socket.on('signal', (signal) => victimReceived.push(signal));
	outsider.socket.on('signal', (signal) => outsiderReceived.push(signal));
});
afterAll(() => server.close());

/** Room and peer counts, who sits where, and the files: nothing here may change. */
function state() {
	const { registry, files, io } = server.dropcall;
	const seats = (id: string) =>
		[...(registry.get(id)?.members.values() ?? [])].map(
			(seat) => `${seat.peerId}:${seat.connectionId ?? 'away'}`
		);
	return {
		rooms: registry.roomCount,
		peers: registry.peerCount,
		room: seats(roomId),
		otherRoom: seats(otherRoomId),
		files: files.fileCount,
		connections: io.engine.clientsCount
	};
}

const randomId = (length: number) => fc.stringMatching(new RegExp(`^[A-Za-z0-9_-]{${length}}$`));
const deep = fc.integer({ min: 1, max: 400 }).map((depth) => {
	let value: unknown = 'bottom';
	for (let i = 0; i < depth; i++) value = i % 2 ? [value] : { a: value };
	return value;
});
const hugeString = fc.integer({ min: 1, max: 70 * 1024 }).map((length) => 'x'.repeat(length));
const pollution = fc
	.constant(null)
	.map(
		() =>
			JSON.parse(
				'{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}}}'
			) as object
	);
const junk = fc.oneof(
	fc.anything({ maxDepth: 3 }),
	deep,
	hugeString,
	pollution,
	fc.constantFrom(null, true, 0, -1, 1e308, '', '0', [], {})
);
/** A shape with one field made hostile, an unknown key added, or a field missing. */
function around(valid: Record<string, fc.Arbitrary<unknown>>) {
	const keys = Object.keys(valid);
	const hostileKey = fc.constantFrom('__proto__', 'constructor', 'prototype', 'from', 'extra');
	return fc.oneof(
		fc.record(Object.fromEntries(keys.map((key) => [key, fc.oneof(valid[key]!, junk)]))),
		fc
			.tuple(fc.record(valid), hostileKey, junk)
			.map(([value, key, extra]) => ({ ...value, [key]: extra })),
		fc
			.tuple(fc.record(valid), fc.constantFrom(...keys))
			.map(([value, key]) => Object.fromEntries(Object.entries(value).filter(([k]) => k !== key))),
		junk
	);
}

const media = fc.record({ audio: fc.boolean(), video: fc.boolean() });
const candidate = fc.record({
	candidate: fc.oneof(fc.string(), hugeString),
	sdpMid: fc.option(fc.string()),
	sdpMLineIndex: fc.option(fc.integer())
});

/** Payloads per event, and who sends them. */
const cases = {
	'room:create': {
		sender: () => stranger,
		payload: around({
			seats: fc.integer({ min: -2, max: 12 }),
			devices: fc.constantFrom('none', 'audio', 'video', 'all')
		})
	},
	'room:peek': {
		sender: () => stranger,
		payload: around({ roomId: fc.oneof(randomId(22), fc.constant('room')) })
	},
	'room:join': {
		// Already in a room, and a stranger asking for rooms that do not exist.
		sender: (i: number) => (i % 2 ? member.socket : stranger),
		payload: around({
			roomId: fc.oneof(randomId(22), fc.string()),
			name: fc.oneof(fc.string(), fc.constant('\u202e\u200b')),
			media,
			resumeToken: randomId(43)
		})
	},
	'room:leave': { sender: () => stranger, payload: junk },
	'room:away': { sender: () => stranger, payload: junk },
	'peer:media': {
		sender: () => stranger,
		payload: around({ media })
	},
	signal: {
		sender: () => member.socket,
		payload: fc.oneof(
			around({
				to: fc.oneof(randomId(16), fc.constant('')),
				description: fc.record({ type: fc.constantFrom('offer', 'answer'), sdp: fc.string() })
			}),
			// Valid signals to someone in another room, or to nobody.
			fc.record({
				to: fc.oneof(fc.constant('outsider'), randomId(16)),
				candidate: fc.option(candidate)
			}),
			// To the victim, malformed.
			around({
				to: fc.constant('victim'),
				candidate: fc.oneof(junk, fc.record({ candidate: junk }))
			})
		)
	},
	'file:delete': {
		sender: (i: number) => (i % 2 ? member.socket : stranger),
		payload: around({ id: fc.oneof(randomId(22), fc.constant('file')) })
	}
} satisfies Record<(typeof clientEvents)[number], unknown>;

type AckStyle = 'last' | 'none' | 'first' | 'not-a-function' | 'extra-argument' | 'alone';
// Mostly well placed, so most payloads are answered and their answers checked.
const ackStyles = fc.constantFrom<AckStyle>(
	'last',
	'last',
	'last',
	'last',
	'none',
	'first',
	'not-a-function',
	'extra-argument',
	'alone'
);

/** Real ids stand in for the placeholders generators cannot know in advance. */
function withRealIds(payload: unknown): unknown {
	if (!payload || typeof payload !== 'object' || Array.isArray(payload)) return payload;
	const real: Record<string, string> = {
		room: roomId,
		victim: victim.answer.self.id,
		outsider: outsider.answer.self.id,
		file: fileId
	};
	return Object.fromEntries(
		Object.entries(payload).map(([key, value]) => [
			key,
			typeof value === 'string' && real[value] ? real[value] : value
		])
	);
}

type Emit = (event: string, ...args: unknown[]) => void;

it('answers every malformed or hostile payload with an error, or drops it, and changes nothing', async () => {
	const totals: Record<string, Record<string, number>> = {};
	let overall = 0;
	for (const event of clientEvents) {
		const { sender, payload } = cases[event];
		const tally: Record<string, number> = {};
		totals[event] = tally;
		let run = 0;
		await fc.assert(
			fc.asyncProperty(payload, ackStyles, async (generated, style) => {
				const socket = sender(run++);
				const sent = withRealIds(generated);
				const before = state();
				let answer: unknown = 'none';
				const ack = (result: unknown) => (answer = result);
				const args: Record<AckStyle, unknown[]> = {
					last: [sent, ack],
					none: [sent],
					first: [ack, sent],
					'not-a-function': [sent, 'ack'],
					'extra-argument': [sent, sent, ack],
					alone: [ack]
				};
				(socket.emit as unknown as Emit)(event, ...args[style]);
				// Events are handled in order: once this is answered, so is the one before.
				await socket.emitWithAck('room:peek', { roomId });
				// What the handler gets as its payload: the first argument, through JSON, where a
				// function or undefined becomes null.
				const first = args[style][0];
				const handled: unknown =
					typeof first === 'function' ? null : JSON.parse(JSON.stringify([first]))[0];
				const isValidCreate =
					event === 'room:create' && v.safeParse(CreateRoomSchema, handled).success;
				if (answer === 'none') {
					tally.dropped = (tally.dropped ?? 0) + 1;
				} else if ((answer as { ok: boolean }).ok) {
					tally.ok = (tally.ok ?? 0) + 1;
				} else {
					const { code, message } = (answer as { error: { code: string; message: string } }).error;
					expect(errorCodes).toContain(code);
					expect(message).toEqual(expect.any(String));
					tally[code] = (tally[code] ?? 0) + 1;
				}
				if (isValidCreate) {
					// A valid request does what it says, answered or not (valibot ignores __proto__).
					expect(state()).toEqual({ ...before, rooms: before.rooms + 1 });
				} else {
					// Only a look at a room, or a well-formed signal to the victim, may succeed.
					if ((answer as { ok?: boolean }).ok) expect(['room:peek', 'signal']).toContain(event);
					expect(state()).toEqual(before);
				}
				overall += 1;
			}),
			{ numRuns: 1000 }
		);
	}
	// Everyone is still connected, the victim got only well-formed signals from the member,
	// and the outsider in the other room got nothing.
	for (const signal of victimReceived) {
		expect(signal.from).toBe(member.answer.self.id);
		expect(v.safeParse(SignalSchema, { ...signal, to: victim.answer.self.id }).success).toBe(true);
	}
	expect(outsiderReceived).toEqual([]);
	expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
	expect([stranger, member.socket, victim.socket, outsider.socket].every((s) => s.connected)).toBe(
		true
	);
	for (const [event, tally] of Object.entries(totals)) {
		console.log(`fuzz ${event}: ${JSON.stringify(tally)}`);
	}
	console.log(`fuzz overall: ${overall} payloads over ${clientEvents.length} events`);
	expect(overall).toBeGreaterThanOrEqual(1000 * clientEvents.length);
}, 120_000);
