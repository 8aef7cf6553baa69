import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MemoryRegistry, type Room } from '../../server/rooms';

const media = { audio: true, video: false };
let registry: MemoryRegistry;

function createRoom(seats = 4): Room {
	const room = registry.create(seats, 'none');
	if (!('id' in room)) throw new Error(room.message);
	return room;
}

beforeEach(() => {
	vi.useFakeTimers();
	registry = new MemoryRegistry({
		maxSeats: 8,
		maxRooms: 10_000,
		unjoinedRoomSeconds: 600,
		emptyRoomSeconds: 300
	});
});
afterEach(() => vi.useRealTimers());

describe('room ids', () => {
	it('are 128 random bits, never repeated', () => {
		const ids = new Set(Array.from({ length: 1000 }, () => createRoom().id));
		expect(ids.size).toBe(1000);
		for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9_-]{22}$/);
	});

	it('refuse a capacity over the server limit', () => {
		const small = new MemoryRegistry({
			maxSeats: 3,
			maxRooms: 10_000,
			unjoinedRoomSeconds: 600,
			emptyRoomSeconds: 300
		});
		expect(small.create(4, 'none')).toMatchObject({ code: 'invalid-request' });
		expect(small.roomCount).toBe(0);
	});

	it('refuse a room past the server-wide limit, and make one again once a room ends', () => {
		const few = new MemoryRegistry({
			maxSeats: 8,
			maxRooms: 2,
			unjoinedRoomSeconds: 600,
			emptyRoomSeconds: 300
		});
		few.create(2, 'none');
		few.create(2, 'none');
		expect(few.create(2, 'none')).toMatchObject({ code: 'server-full' });
		expect(few.roomCount).toBe(2);
		vi.advanceTimersByTime(600_000);
		expect(few.create(2, 'none')).toHaveProperty('id');
	});
});

describe('lifetimes', () => {
	it('ends a room nobody joined after ten minutes', () => {
		const room = createRoom();
		vi.advanceTimersByTime(599_000);
		expect(registry.get(room.id)).toBeDefined();
		vi.advanceTimersByTime(1_000);
		expect(registry.get(room.id)).toBeUndefined();
	});

	it('keeps a joined room, and ends it when it has been empty for the set time', () => {
		const room = createRoom();
		const ended = vi.fn();
		registry.on('roomEnded', ended);
		const outcome = registry.join(room.id, { name: 'Ana', media }, 'c1');
		if (!outcome.ok) throw new Error('join refused');
		vi.advanceTimersByTime(3_600_000);
		expect(registry.get(room.id)).toBeDefined();
		registry.leave(room.id, outcome.seat.peerId);
		vi.advanceTimersByTime(299_000);
		expect(registry.get(room.id)).toBeDefined();
		vi.advanceTimersByTime(1_000);
		expect(ended).toHaveBeenCalledWith(room);
		expect(registry.get(room.id)).toBeUndefined();
	});

	it('lets a reload rejoin before an empty room ends', () => {
		const room = createRoom();
		const first = registry.join(room.id, { name: 'Ana', media }, 'c1');
		if (!first.ok) throw new Error('join refused');
		registry.leave(room.id, first.seat.peerId);
		vi.advanceTimersByTime(200_000);
		expect(registry.join(room.id, { name: 'Ana', media }, 'c2').ok).toBe(true);
		vi.advanceTimersByTime(1_000_000);
		expect(registry.get(room.id)).toBeDefined();
	});
});

describe('held seats', () => {
	it('keeps a held seat until the grace ends, then frees it', () => {
		const room = createRoom(2);
		const left = vi.fn();
		registry.on('peerLeft', left);
		const outcome = registry.join(room.id, { name: 'Ana', media }, 'c1');
		if (!outcome.ok) throw new Error('join refused');
		registry.hold(room.id, outcome.seat.peerId, 15_000);
		expect(outcome.seat.connectionId).toBeNull();
		vi.advanceTimersByTime(14_999);
		expect(room.members.size).toBe(1);
		vi.advanceTimersByTime(1);
		expect(room.members.size).toBe(0);
		expect(left).toHaveBeenCalledOnce();
	});

	it('gives the held seat back to the matching token and cancels the grace', () => {
		const room = createRoom(1);
		const first = registry.join(room.id, { name: 'Ana', media }, 'c1');
		if (!first.ok) throw new Error('join refused');
		registry.hold(room.id, first.seat.peerId, 15_000);
		expect(registry.join(room.id, { name: 'Bo', media }, 'c2')).toMatchObject({
			ok: false,
			error: { code: 'room-full' }
		});
		const resumed = registry.join(
			room.id,
			{ name: 'Ana', media, resumeToken: first.seat.resumeToken },
			'c3'
		);
		expect(resumed).toMatchObject({ ok: true, resumed: true });
		vi.advanceTimersByTime(60_000);
		expect(room.members.get(first.seat.peerId)?.connectionId).toBe('c3');
	});

	it('leaves a seat alone when the connection that dropped no longer holds it', () => {
		const room = createRoom();
		const first = registry.join(room.id, { name: 'Ana', media }, 'c1');
		if (!first.ok) throw new Error('join refused');
		// Ana's page resumed on a new connection (perhaps on another process) before c1's end.
		const resumed = registry.join(
			room.id,
			{ name: 'Ana', media, resumeToken: first.seat.resumeToken },
			'c2'
		);
		expect(resumed).toMatchObject({ ok: true, resumed: true, replacedConnectionId: 'c1' });
		expect(registry.hold(room.id, first.seat.peerId, 15_000, 'c1')).toBeUndefined();
		registry.leave(room.id, first.seat.peerId, 'c1');
		expect(room.members.get(first.seat.peerId)?.connectionId).toBe('c2');
	});

	it('frees the seat at once when the grace is zero', () => {
		const room = createRoom();
		const outcome = registry.join(room.id, { name: 'Ana', media }, 'c1');
		if (!outcome.ok) throw new Error('join refused');
		registry.hold(room.id, outcome.seat.peerId, 0);
		expect(room.members.size).toBe(0);
	});
});
