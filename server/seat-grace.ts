/**
 * Keeping the seat of someone whose connection closed without room:leave, for as long as the
 * way it closed deserves: a phone changing networks gets the resume grace, a reloading page the
 * reload grace, a closed tab nothing. A join with the seat's resume token takes it back.
 */
import type { Config } from './config.ts';
import { answerer, notInRoom } from './answers.ts';
import { log } from './log.ts';
import type { RoomRegistry } from './registry.ts';
import { describeSeat } from './rooms.ts';
import type { DropcallServer, DropcallSocket } from './socket-types.ts';

/**
 * Disconnect reasons that mean the person went away on purpose: a closed tab or a call to
 * disconnect(). Anything else (a ping timeout, a broken transport) may be a phone changing
 * networks, so the seat is held for the resume grace. A reload closes the connection exactly
 * as a closed tab does, so a page says room:away first and its seat waits the short reload
 * grace (see the disconnect handler).
 */
const deliberateDisconnects = new Set(['client namespace disconnect', 'transport close']);

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

/** Watches one connection for how it goes away, and holds its seat for the grace it earns. */
export function holdSeatWhenDropped(
	socket: DropcallSocket,
	io: DropcallServer,
	registry: RoomRegistry,
	config: Config
): void {
	socket.data.lastSeenAt = Date.now();
	socket.conn.on('packet', () => {
		socket.data.lastSeenAt = Date.now();
	});

	// The flag itself is set as the event arrives (heedGoingAway); this only answers.
	socket.on('room:away', (ack: unknown) => {
		const answer = answerer<object>(ack);
		if (!socket.data.roomId) return answer({ ok: false, error: notInRoom });
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
}
