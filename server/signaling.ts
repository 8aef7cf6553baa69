/**
 * Socket.IO handlers: rooms, presence and the signaling relay. Every payload is validated
 * against the protocol's schema before anything changes; a bad one gets an error answer.
 */
import type { Server, Socket } from 'socket.io';
import * as v from 'valibot';
import {
	clientEvents,
	CreateRoomSchema,
	JoinRoomSchema,
	PeekRoomSchema,
	SignalSchema,
	UpdateMediaSchema,
	type Ack,
	type ClientToServer,
	type FileInfo,
	type JoinAnswer,
	type ProtocolError,
	type RoomInfo,
	type ServerToClient
} from '../src/lib/protocol.ts';
import type { Config } from './config.ts';
import { log, shortId } from './log.ts';
import { fitsMessageLimit } from './message-size.ts';
import { describeRoom, describeSeat, roomNotFound, type RoomRegistry } from './rooms.ts';
import { iceServersFor } from './turn.ts';

export interface SocketData {
	roomId: string | undefined;
	peerId: string | undefined;
	/** Last time anything arrived from this client; the resume grace counts from it. */
	lastSeenAt: number;
	/** The page said it is going away and may be back (room:away): a reload, or a closed tab. */
	mayReturn: boolean;
}

export type DropcallServer = Server<ClientToServer, ServerToClient, object, SocketData>;
type DropcallSocket = Socket<ClientToServer, ServerToClient, object, SocketData>;

const notInRoom: ProtocolError = { code: 'not-in-room', message: 'Join a room first' };

/**
 * Disconnect reasons that mean the person went away on purpose: a closed tab or a call to
 * disconnect(). Anything else (a ping timeout, a broken transport) may be a phone changing
 * networks, so the seat is held for the resume grace. A reload closes the connection exactly
 * as a closed tab does, so a page says room:away first and its seat waits the short reload
 * grace (see the disconnect handler).
 */
const deliberateDisconnects = new Set(['client namespace disconnect', 'transport close']);

export function invalid(issues: v.BaseIssue<unknown>[]): ProtocolError {
	const issue = issues[0];
	const where = issue?.path?.map((item) => String(item.key)).join('.');
	return {
		code: 'invalid-request',
		message: `Invalid request${where ? ` at "${where}"` : ''}: ${issue?.message ?? 'bad value'}`
	};
}

/** Socket.IO passes the acknowledgement last; a hostile client may put anything there. */
export function answerer<T>(ack: unknown): Ack<T> {
	return typeof ack === 'function' ? (ack as Ack<T>) : () => {};
}

/** What a join answer carries from the file store: the seat's file token and the room's files. */
export type FileJoinDetails = (
	roomId: string,
	peerId: string
) => { fileToken: string; files: FileInfo[] };

export function attachSignaling(
	io: DropcallServer,
	registry: RoomRegistry,
	config: Config,
	fileJoinDetails: FileJoinDetails
): void {
	registry.on('peerLeft', (room, seat) => {
		io.to(room.id).emit('peer:left', { id: seat.peerId });
		if (seat.connectionId) io.sockets.sockets.get(seat.connectionId)?.leave(room.id);
		log(`peer left room ${shortId(room.id)} (${room.members.size}/${room.seats})`);
	});
	registry.on('roomEnded', (room) => {
		log(`room ${shortId(room.id)} ended`);
	});

	io.on('connection', (socket: DropcallSocket) => {
		socket.data.roomId = undefined;
		socket.data.peerId = undefined;
		socket.data.lastSeenAt = Date.now();
		socket.data.mayReturn = false;
		socket.conn.on('packet', () => {
			socket.data.lastSeenAt = Date.now();
		});

		socket.use(([event, ...args], next) => {
			const ack = answerer(args.at(-1));
			if (!(clientEvents as readonly string[]).includes(event)) {
				ack({ ok: false, error: { code: 'invalid-request', message: `Unknown event "${event}"` } });
				return;
			}
			if (!fitsMessageLimit(args)) {
				ack({
					ok: false,
					error: { code: 'too-large', message: 'Message is larger than 64 KiB' }
				});
				return;
			}
			next();
		});

		socket.on('room:create', (payload: unknown, ack: unknown) => {
			const answer = answerer<{ roomId: string }>(ack);
			const request = v.safeParse(CreateRoomSchema, payload);
			if (!request.success) return answer({ ok: false, error: invalid(request.issues) });
			const room = registry.create(request.output.seats, request.output.devices);
			if (!('id' in room)) return answer({ ok: false, error: room });
			log(`room ${shortId(room.id)} created for ${room.seats}, devices: ${room.devices}`);
			answer({ ok: true, roomId: room.id });
		});

		socket.on('room:peek', (payload: unknown, ack: unknown) => {
			const answer = answerer<{ room: RoomInfo }>(ack);
			const request = v.safeParse(PeekRoomSchema, payload);
			if (!request.success) return answer({ ok: false, error: invalid(request.issues) });
			const room = registry.get(request.output.roomId);
			if (!room) return answer({ ok: false, error: roomNotFound() });
			answer({ ok: true, room: describeRoom(room) });
		});

		socket.on('room:join', (payload: unknown, ack: unknown) => {
			const answer = answerer<JoinAnswer>(ack);
			const request = v.safeParse(JoinRoomSchema, payload);
			if (!request.success) return answer({ ok: false, error: invalid(request.issues) });
			if (socket.data.roomId) {
				return answer({
					ok: false,
					error: { code: 'already-joined', message: 'This connection is already in a room' }
				});
			}
			const { roomId } = request.output;
			const outcome = registry.join(roomId, request.output, socket.id);
			if (!outcome.ok) return answer(outcome);
			const room = registry.get(roomId)!;
			const { seat, resumed } = outcome;

			// A resume can arrive before the server notices the old connection died.
			for (const other of io.sockets.sockets.values()) {
				if (other.id !== socket.id && other.data.peerId === seat.peerId) {
					other.data.roomId = undefined;
					other.data.peerId = undefined;
					other.disconnect(true);
				}
			}
			socket.data.roomId = roomId;
			socket.data.peerId = seat.peerId;
			void socket.join(roomId);
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
				...fileJoinDetails(roomId, seat.peerId)
			});
		});

		socket.on('room:leave', (ack: unknown) => {
			const answer = answerer<object>(ack);
			const { roomId, peerId } = socket.data;
			if (!roomId || !peerId) return answer({ ok: false, error: notInRoom });
			socket.data.roomId = undefined;
			socket.data.peerId = undefined;
			void socket.leave(roomId);
			registry.leave(roomId, peerId);
			answer({ ok: true });
		});

		socket.on('room:away', (ack: unknown) => {
			const answer = answerer<object>(ack);
			if (!socket.data.roomId) return answer({ ok: false, error: notInRoom });
			socket.data.mayReturn = true;
			answer({ ok: true });
		});

		socket.on('peer:media', (payload: unknown, ack: unknown) => {
			const answer = answerer<object>(ack);
			const request = v.safeParse(UpdateMediaSchema, payload);
			if (!request.success) return answer({ ok: false, error: invalid(request.issues) });
			const seat = currentSeat(socket);
			if (!seat) return answer({ ok: false, error: notInRoom });
			seat.media = request.output.media;
			socket.to(socket.data.roomId!).emit('peer:updated', describeSeat(seat));
			answer({ ok: true });
		});

		socket.on('signal', (payload: unknown, ack: unknown) => {
			const answer = answerer<object>(ack);
			const request = v.safeParse(SignalSchema, payload);
			if (!request.success) return answer({ ok: false, error: invalid(request.issues) });
			const { roomId, peerId } = socket.data;
			if (!roomId || !peerId) return answer({ ok: false, error: notInRoom });
			const target = registry.get(roomId)?.members.get(request.output.to);
			if (!target?.connectionId || target.peerId === peerId) {
				return answer({
					ok: false,
					error: { code: 'peer-not-found', message: 'That person is not in this room' }
				});
			}
			// Rebuilt field by field: the sender cannot forge `from` or smuggle extra keys.
			const { to: _to, ...signal } = request.output;
			const relayed = { ...signal, from: peerId };
			// The receiver's own socket when it is on this process skips the adapter's room lookup.
			const receiver = io.sockets.sockets.get(target.connectionId);
			if (receiver) receiver.emit('signal', relayed);
			else io.to(target.connectionId).emit('signal', relayed);
			answer({ ok: true });
		});

		socket.on('disconnect', (reason) => {
			const { roomId, peerId } = socket.data;
			if (!roomId || !peerId) return;
			// Neither the browser nor the server can tell a reload from a closed tab, so a page that
			// said it may be back keeps its seat only as long as a reload takes: a closed tab's seat
			// and files are gone within RELOAD_GRACE_SECONDS, a reloaded page takes them back. A page
			// restored after the browser dropped it in the background still has the resume grace.
			let graceMs = socket.data.lastSeenAt + config.resumeGraceSeconds * 1000 - Date.now();
			if (deliberateDisconnects.has(reason)) {
				if (!socket.data.mayReturn) return registry.leave(roomId, peerId);
				graceMs = config.reloadGraceSeconds * 1000;
			}
			registry.hold(roomId, peerId, graceMs);
			const seat = registry.get(roomId)?.members.get(peerId);
			if (seat) io.to(roomId).emit('peer:updated', describeSeat(seat));
		});
	});

	function currentSeat(socket: DropcallSocket) {
		const { roomId, peerId } = socket.data;
		if (!roomId || !peerId) return undefined;
		return registry.get(roomId)?.members.get(peerId);
	}
}
