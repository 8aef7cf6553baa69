/**
 * Taking and giving up a seat over Socket.IO: room:join (a new seat, or a held one taken back
 * with its resume token) and room:leave, and telling the room when a seat is freed.
 */
import * as v from 'valibot';
import { JoinRoomSchema, type Ack, type FileInfo, type JoinAnswer } from '../src/lib/protocol.ts';
import { answerer, askingRegistry, invalid, notInRoom } from './answers.ts';
import type { Config } from './config.ts';
import { log, shortId } from './log.ts';
import type { JoinRequest, RoomRegistry } from './registry.ts';
import { describeRoom, describeSeat } from './rooms.ts';
import { announceSeats, stopWatchingSeats } from './seat-watch.ts';
import type { DropcallServer, DropcallSocket } from './socket-types.ts';
import { iceServersFor } from './turn.ts';

/** What a join answer carries from the file store: the seat's file token and the room's files. */
export type FileJoinDetails = (
	roomId: string,
	peerId: string
) => { fileToken: string; files: FileInfo[] } | Promise<{ fileToken: string; files: FileInfo[] }>;

export interface SeatDependencies {
	io: DropcallServer;
	registry: RoomRegistry;
	config: Config;
	fileJoinDetails: FileJoinDetails;
}

export function announceLeaves(io: DropcallServer, registry: RoomRegistry): void {
	registry.on('peerLeft', (room, seat) => {
		// Every process hears of a leave (in a cluster too), and each tells its own sockets once.
		io.local.to(room.id).emit('peer:left', { id: seat.peerId });
		announceSeats(io, room, false);
		if (seat.connectionId) io.sockets.sockets.get(seat.connectionId)?.leave(room.id);
		log(`peer left room ${shortId(room.id)} (${room.members.size}/${room.seats})`);
	});
	registry.on('roomEnded', (room) => {
		log(`room ${shortId(room.id)} ended`);
	});
}

async function join(
	{ io, registry, config, fileJoinDetails }: SeatDependencies,
	socket: DropcallSocket,
	roomId: string,
	request: JoinRequest,
	answer: Ack<JoinAnswer>
): Promise<void> {
	const outcome = await registry.join(roomId, request, socket.id);
	if (!outcome.ok) return answer(outcome);
	const { seat, resumed, room, replacedConnectionId } = outcome;
	const files = await fileJoinDetails(roomId, seat.peerId);
	if (!socket.connected) {
		// Gone while the registry decided: nobody holds the token, so the seat is freed.
		await registry.leave(roomId, seat.peerId, socket.id);
		return;
	}
	// A resume can arrive before the server notices the old connection died, on this
	// process or on another one.
	if (replacedConnectionId && replacedConnectionId !== socket.id) {
		const other = io.sockets.sockets.get(replacedConnectionId);
		if (other) {
			other.data.roomId = undefined;
			other.data.peerId = undefined;
			other.disconnect(true);
		} else {
			io.in(replacedConnectionId).disconnectSockets(true);
		}
	}
	socket.data.roomId = roomId;
	socket.data.peerId = seat.peerId;
	void socket.join(roomId);
	stopWatchingSeats(socket);
	// A seat taken back was counted all along.
	if (!resumed) announceSeats(io, room, true);
	const self = describeSeat(seat);
	socket.to(roomId).emit(resumed ? 'peer:updated' : 'peer:joined', self);
	log(
		`peer ${resumed ? 'resumed in' : 'joined'} room ${shortId(roomId)} (${room.members.size}/${room.seats})`
	);
	answer({
		ok: true,
		self,
		peers: [...room.members.values()]
			.filter((other) => other.peerId !== seat.peerId)
			.map(describeSeat),
		room: describeRoom(room),
		iceServers: iceServersFor(config.iceServers, config.turn, seat.peerId),
		iceTransportPolicy: config.iceTransportPolicy,
		resumeToken: seat.resumeToken,
		resumed,
		...files
	});
}

export function handleSeats(socket: DropcallSocket, dependencies: SeatDependencies): void {
	socket.data.roomId = undefined;
	socket.data.peerId = undefined;
	socket.data.watchedRoomId = undefined;
	const { registry } = dependencies;

	// Set while a join waits for the registry, so a second join cannot take a second seat.
	let isJoining = false;
	socket.on('room:join', (payload: unknown, ack: unknown) => {
		const answer = answerer<JoinAnswer>(ack);
		const request = v.safeParse(JoinRoomSchema, payload);
		if (!request.success) return answer({ ok: false, error: invalid(request.issues) });
		if (socket.data.roomId || isJoining) {
			return answer({
				ok: false,
				error: { code: 'already-joined', message: 'This connection is already in a room' }
			});
		}
		isJoining = true;
		askingRegistry(answer, async () => {
			try {
				await join(dependencies, socket, request.output.roomId, request.output, answer);
			} finally {
				isJoining = false;
			}
		});
	});

	socket.on('room:leave', (ack: unknown) => {
		const answer = answerer<object>(ack);
		const { roomId, peerId } = socket.data;
		if (!roomId || !peerId) return answer({ ok: false, error: notInRoom });
		socket.data.roomId = undefined;
		socket.data.peerId = undefined;
		void socket.leave(roomId);
		askingRegistry(answer, async () => {
			await registry.leave(roomId, peerId);
			answer({ ok: true });
		});
	});
}
