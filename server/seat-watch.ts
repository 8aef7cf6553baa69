/**
 * The join screen's view of a room, kept current: a connection that peeked at a room hears of
 * every seat taken or freed there (room:seats) until it joins a room or peeks at another. The
 * join screen shows the room as it is, and the page builds as many connections as its join will
 * call, at the send limits for that many people: read once as the page opened, the count had
 * someone joining a call of three start one offer at the limits for two, and change them all
 * once connected, while the connections came up.
 */
import { describeRoom, type Room } from './rooms.ts';
import type { DropcallServer, DropcallSocket } from './socket-types.ts';

/** The Socket.IO room of those watching a room's seats; room ids hold no ':'. */
const watchersOf = (roomId: string) => `seats:${roomId}`;

/** One room at a time per connection: a page shows one join screen. */
export function watchSeats(socket: DropcallSocket, roomId: string): void {
	const watched = socket.data.watchedRoomId;
	if (watched === roomId) return;
	if (watched) void socket.leave(watchersOf(watched));
	socket.data.watchedRoomId = roomId;
	void socket.join(watchersOf(roomId));
}

export function stopWatchingSeats(socket: DropcallSocket): void {
	const watched = socket.data.watchedRoomId;
	if (!watched) return;
	void socket.leave(watchersOf(watched));
	socket.data.watchedRoomId = undefined;
}

/**
 * Tells the room's watchers how many seats are taken now. `everywhere`: through every process
 * (a join, heard by the process that took the seat); otherwise this process's watchers only (a
 * leave, which every process hears from the registry).
 */
export function announceSeats(io: DropcallServer, room: Room, everywhere: boolean): void {
	const watchers = everywhere ? io.to(watchersOf(room.id)) : io.local.to(watchersOf(room.id));
	watchers.emit('room:seats', { roomId: room.id, room: describeRoom(room) });
}
