import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ServerToClient } from '../../src/lib/protocol';
import {
	anyMedia,
	createRoom,
	nextEvent,
	startServer,
	type Harness,
	type TestClient
} from './harness';

type SeatsEvent = Parameters<ServerToClient['room:seats']>[0];

let server: Harness;

beforeEach(async () => {
	server = await startServer({ resumeGraceSeconds: 0, reloadGraceSeconds: 0 });
});
afterEach(() => server.close());

async function peek(socket: TestClient, roomId: string) {
	const answer = await socket.emitWithAck('room:peek', { roomId });
	if (!answer.ok) throw new Error(answer.error.message);
	return answer.room;
}

async function join(socket: TestClient, roomId: string, name: string) {
	const answer = await socket.emitWithAck('room:join', { roomId, name, media: anyMedia });
	if (!answer.ok) throw new Error(answer.error.message);
	return answer;
}

/** Every room:seats the socket hears from now on. */
function seatsHeard(socket: TestClient): SeatsEvent[] {
	const heard: SeatsEvent[] = [];
	socket.on('room:seats', (event) => heard.push(event));
	return heard;
}

describe("the join screen's count of seats", () => {
	it('follows every seat taken and freed in the room peeked at', async () => {
		const [ana, bo, watcher] = await Promise.all([1, 2, 3].map(() => server.client()));
		const roomId = await createRoom(ana!, 4);
		expect(await peek(watcher!, roomId)).toMatchObject({ taken: 0, seats: 4 });

		const taken = nextEvent(watcher!, 'room:seats');
		await join(ana!, roomId, 'Ana');
		expect(await taken).toEqual({ roomId, room: { seats: 4, taken: 1, devices: 'none' } });

		const second = nextEvent(watcher!, 'room:seats');
		await join(bo!, roomId, 'Bo');
		expect(await second).toMatchObject({ roomId, room: { taken: 2 } });

		const freed = nextEvent(watcher!, 'room:seats');
		await bo!.emitWithAck('room:leave');
		expect(await freed).toMatchObject({ roomId, room: { taken: 1 } });

		// A closed tab's seat, freed once its grace is over (none here).
		const closed = nextEvent(watcher!, 'room:seats');
		ana!.disconnect();
		expect(await closed).toMatchObject({ roomId, room: { taken: 0 } });
	});

	it('goes quiet once the watcher joins, and follows only the room it peeked at last', async () => {
		const [ana, bo, watcher] = await Promise.all([1, 2, 3].map(() => server.client()));
		const first = await createRoom(ana!, 4);
		const second = await createRoom(bo!, 4);
		await peek(watcher!, first);
		await peek(watcher!, second);
		const heard = seatsHeard(watcher!);

		await join(ana!, first, 'Ana');
		const inSecond = nextEvent(watcher!, 'room:seats');
		await join(bo!, second, 'Bo');
		expect(await inSecond).toMatchObject({ roomId: second, room: { taken: 1 } });

		await join(watcher!, second, 'Watcher');
		const guest = await server.client();
		const joinedAfter = nextEvent(bo!, 'peer:joined');
		await join(guest, second, 'Guest');
		await joinedAfter;
		// Its own join, and everything since, reached it as a member, not as a watcher.
		expect(heard.map((event) => [event.roomId, event.room.taken])).toEqual([[second, 1]]);
	});

	it('is not given to a member who peeks at its own room', async () => {
		const [ana, bo] = await Promise.all([1, 2].map(() => server.client()));
		const roomId = await createRoom(ana!, 4);
		await join(ana!, roomId, 'Ana');
		await peek(ana!, roomId);
		const heard = seatsHeard(ana!);
		const joinedAfter = nextEvent(ana!, 'peer:joined');
		await join(bo!, roomId, 'Bo');
		await joinedAfter;
		expect(heard).toEqual([]);
	});
});
