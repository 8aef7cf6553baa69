/**
 * Socket.IO handlers: rooms, presence and the signaling relay. Every payload is validated
 * against the protocol's schema before anything changes; a bad one gets an error answer.
 */
import * as v from 'valibot';
import {
	clientEvents,
	CreateRoomSchema,
	JoinRoomSchema,
	PeekRoomSchema,
	SignalSchema,
	UpdateMediaSchema,
	type Ack,
	type FileInfo,
	type JoinAnswer,
	type ProtocolError,
	type PeekAnswer
} from '../src/lib/protocol.ts';
import { answerer, askingRegistry, invalid, notInRoom } from './answers.ts';
import type { Config } from './config.ts';
import { log, shortId } from './log.ts';
import { fitsMessageLimit } from './message-size.ts';
import type { JoinRequest, RoomRegistry } from './registry.ts';
import { describeRoom, describeSeat, roomNotFound } from './rooms.ts';
import type { DropcallServer, DropcallSocket } from './socket-types.ts';
import { iceServersFor } from './turn.ts';

const peerNotFound: ProtocolError = {
	code: 'peer-not-found',
	message: 'That person is not in this room'
};

/**
 * Disconnect reasons that mean the person went away on purpose: a closed tab or a call to
 * disconnect(). Anything else (a ping timeout, a broken transport) may be a phone changing
 * networks, so the seat is held for the resume grace. A reload closes the connection exactly
 * as a closed tab does, so a page says room:away first and its seat waits the short reload
 * grace (see the disconnect handler).
 */
const deliberateDisconnects = new Set(['client namespace disconnect', 'transport close']);

/** What a join answer carries from the file store: the seat's file token and the room's files. */
export type FileJoinDetails = (
	roomId: string,
	peerId: string
) => { fileToken: string; files: FileInfo[] } | Promise<{ fileToken: string; files: FileInfo[] }>;

/**
 * Notes a page's room:away the moment it arrives, before any other middleware. A page says it
 * as it unloads and its connection closes right behind it, often in the same read: the close
 * is handled at once, while the event waits for the rate limiter's answer, and Socket.IO drops
 * an event whose connection has closed meanwhile. Noted any later, a reload lost its seat.
 * Setting one flag on one's own connection needs no limit; the event is still counted after.
 */
export function heedGoingAway(io: DropcallServer): void {
	io.on('connection', (socket) => {
		socket.data.mayReturn = false;
		socket.use(([event], next) => {
			if (event === 'room:away') socket.data.mayReturn = true;
			next();
		});
	});
}

export function attachSignaling(
	io: DropcallServer,
	registry: RoomRegistry,
	config: Config,
	fileJoinDetails: FileJoinDetails
): void {
	registry.on('peerLeft', (room, seat) => {
		// Every process hears of a leave (in a cluster too), and each tells its own sockets once.
		io.local.to(room.id).emit('peer:left', { id: seat.peerId });
		if (seat.connectionId) io.sockets.sockets.get(seat.connectionId)?.leave(room.id);
		log(`peer left room ${shortId(room.id)} (${room.members.size}/${room.seats})`);
	});
	registry.on('roomEnded', (room) => {
		log(`room ${shortId(room.id)} ended`);
	});

	async function join(
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

	io.on('connection', (socket: DropcallSocket) => {
		socket.data.roomId = undefined;
		socket.data.peerId = undefined;
		socket.data.lastSeenAt = Date.now();
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
			askingRegistry(answer, async () => {
				const room = await registry.create(request.output.seats, request.output.devices);
				if (!('id' in room)) return answer({ ok: false, error: room });
				log(`room ${shortId(room.id)} created for ${room.seats}, devices: ${room.devices}`);
				answer({ ok: true, roomId: room.id });
			});
		});

		socket.on('room:peek', (payload: unknown, ack: unknown) => {
			const answer = answerer<PeekAnswer>(ack);
			const request = v.safeParse(PeekRoomSchema, payload);
			if (!request.success) return answer({ ok: false, error: invalid(request.issues) });
			askingRegistry(answer, async () => {
				const room = await registry.peek(request.output.roomId);
				if (!room) return answer({ ok: false, error: roomNotFound() });
				// Only while a join could succeed: a full room hands nobody a relay credential.
				if (room.taken >= room.seats) return answer({ ok: true, room });
				answer({
					ok: true,
					room,
					iceServers: iceServersFor(config.iceServers, config.turn, socket.id),
					iceTransportPolicy: config.iceTransportPolicy
				});
			});
		});

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
					await join(socket, request.output.roomId, request.output, answer);
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

		// The flag itself is set as the event arrives (heedGoingAway); this only answers.
		socket.on('room:away', (ack: unknown) => {
			const answer = answerer<object>(ack);
			if (!socket.data.roomId) return answer({ ok: false, error: notInRoom });
			answer({ ok: true });
		});

		socket.on('peer:media', (payload: unknown, ack: unknown) => {
			const answer = answerer<object>(ack);
			const request = v.safeParse(UpdateMediaSchema, payload);
			if (!request.success) return answer({ ok: false, error: invalid(request.issues) });
			const { roomId, peerId } = socket.data;
			if (!roomId || !peerId) return answer({ ok: false, error: notInRoom });
			askingRegistry(answer, async () => {
				const seat = await registry.updateMedia(roomId, peerId, request.output.media);
				if (!seat) return answer({ ok: false, error: notInRoom });
				socket.to(roomId).emit('peer:updated', describeSeat(seat));
				answer({ ok: true });
			});
		});

		socket.on('signal', (payload: unknown, ack: unknown) => {
			const answer = answerer<object>(ack);
			const request = v.safeParse(SignalSchema, payload);
			if (!request.success) return answer({ ok: false, error: invalid(request.issues) });
			const { roomId, peerId } = socket.data;
			if (!roomId || !peerId) return answer({ ok: false, error: notInRoom });
			const { to, ...signal } = request.output;
			if (to === peerId) return answer({ ok: false, error: peerNotFound });
			// Rebuilt field by field: the sender cannot forge `from` or smuggle extra keys.
			const relayed = { ...signal, from: peerId };
			const relay = (connectionId: string | null | undefined) => {
				if (!connectionId) return answer({ ok: false, error: peerNotFound });
				// The receiver's own socket when it is on this process skips the adapter's lookup.
				const receiver = io.sockets.sockets.get(connectionId);
				if (receiver) receiver.emit('signal', relayed);
				else io.to(connectionId).emit('signal', relayed);
				answer({ ok: true });
			};
			const target = registry.get(roomId)?.members.get(to);
			if (target?.connectionId) return relay(target.connectionId);
			// This process may not have heard of a seat taken a moment ago on another one.
			askingRegistry(answer, async () =>
				relay((await registry.findSeat(roomId, to))?.connectionId)
			);
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
				graceMs = socket.data.mayReturn ? config.reloadGraceSeconds * 1000 : 0;
			}
			void (async () => {
				const seat = await registry.hold(roomId, peerId, graceMs, socket.id);
				if (seat) io.to(roomId).emit('peer:updated', describeSeat(seat));
			})().catch((error: unknown) => {
				// The shared store's own sweep frees the seat of a connection nobody holds.
				log(`could not hold a dropped seat: ${error instanceof Error ? error.message : error}`);
			});
		});
	});
}
