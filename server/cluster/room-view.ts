/**
 * Each process's view of every room in Redis, kept from the changes the scripts publish
 * (server/cluster/scripts.ts), so the signaling relay reads a seat without a round trip and
 * every process tells its own sockets when someone leaves. The view is rebuilt from Redis
 * whenever the subscription (re)connects, so nothing published while Redis was away is missed
 * for good.
 */
import type { EventEmitter } from 'node:events';
import type { DeviceRule, Media } from '../../src/lib/protocol.ts';
import type { RegistryEvents } from '../registry.ts';
import type { Room, Seat } from '../rooms.ts';
import { KEY_PREFIX } from './scripts.ts';

/** A seat as Redis keeps it: `connectionId` is '' while the seat waits for a resume. */
export interface StoredSeat {
	peerId: string;
	name: string;
	media: Media;
	resumeToken: string;
	connectionId: string;
	node: string;
}

export type RoomChange =
	| { type: 'created'; roomId: string; seats: number; devices: DeviceRule }
	| { type: 'seated'; roomId: string; seats: number; devices: DeviceRule; seat: StoredSeat }
	| { type: 'updated'; roomId: string; seat: StoredSeat }
	| { type: 'away'; roomId: string; peerId: string }
	| { type: 'left'; roomId: string; peerId: string }
	| { type: 'ended'; roomId: string }
	| { type: 'file-lost'; roomId: string; fileId: string };

export function toSeat(stored: StoredSeat): Seat {
	return {
		peerId: stored.peerId,
		name: stored.name,
		media: stored.media,
		resumeToken: stored.resumeToken,
		connectionId: stored.connectionId || null,
		graceTimer: undefined
	};
}

export function emptyRoom(id: string, seats: number, devices: DeviceRule): Room {
	return { id, seats, devices, members: new Map(), hasBeenJoined: false, expiryTimer: undefined };
}

export class RoomView {
	readonly rooms = new Map<string, Room>();
	/** Which process each seat's connection is on, as Redis last said; '' while held. */
	readonly #nodeOf = new Map<string, string>();
	/** Changes that arrived while the view was being rebuilt, applied after it. */
	#pending: RoomChange[] | undefined;
	readonly #events: EventEmitter<RegistryEvents>;
	readonly #send: (args: string[]) => Promise<unknown>;

	constructor(events: EventEmitter<RegistryEvents>, send: (args: string[]) => Promise<unknown>) {
		this.#events = events;
		this.#send = send;
	}

	nodeOf(peerId: string): string | undefined {
		return this.#nodeOf.get(peerId);
	}

	/** A change published by any process (this one included), in the order it was made. */
	receive(change: RoomChange): void {
		if (this.#pending) this.#pending.push(change);
		else this.apply(change);
	}

	/**
	 * Rebuilds the view from Redis, then applies what arrived meanwhile. Rooms and seats that
	 * went away unseen (Redis restarted empty, a message lost) are announced as gone.
	 */
	async reload(): Promise<void> {
		this.#pending = [];
		try {
			const ids = (await this.#send(['SMEMBERS', `${KEY_PREFIX}rooms`])) as string[];
			const loaded = await Promise.all(ids.map((id) => this.#loadRoom(id)));
			const fresh = new Map(loaded.filter((room) => room !== undefined).map((r) => [r.id, r]));
			for (const [id, room] of this.rooms) {
				const next = fresh.get(id);
				for (const seat of room.members.values()) {
					if (!next?.members.has(seat.peerId)) {
						room.members.delete(seat.peerId);
						this.#nodeOf.delete(seat.peerId);
						this.#events.emit('peerLeft', room, seat);
					}
				}
				if (!next) {
					this.rooms.delete(id);
					this.#events.emit('roomEnded', room);
				}
			}
			for (const [id, room] of fresh) {
				const known = this.rooms.get(id);
				if (!known) this.rooms.set(id, room);
				else for (const [peerId, seat] of room.members) known.members.set(peerId, seat);
			}
		} finally {
			const pending = this.#pending;
			this.#pending = undefined;
			for (const change of pending) this.apply(change);
		}
	}

	async #loadRoom(id: string): Promise<Room | undefined> {
		const [seats, devices, members] = (await Promise.all([
			this.#send(['HGET', `${KEY_PREFIX}room:${id}`, 'seats']),
			this.#send(['HGET', `${KEY_PREFIX}room:${id}`, 'devices']),
			this.#send(['HVALS', `${KEY_PREFIX}room:${id}:seats`])
		])) as [string | null, DeviceRule | null, string[]];
		if (!seats || !devices) return undefined;
		const room = emptyRoom(id, Number(seats), devices);
		for (const raw of members) {
			const stored = JSON.parse(raw) as StoredSeat;
			room.members.set(stored.peerId, toSeat(stored));
			this.#nodeOf.set(stored.peerId, stored.node);
			room.hasBeenJoined = true;
		}
		return room;
	}

	apply(change: RoomChange): void {
		if (change.type === 'file-lost') {
			this.#events.emit('fileLost', change.roomId, change.fileId);
			return;
		}
		if (change.type === 'created' || change.type === 'seated') {
			if (!this.rooms.has(change.roomId)) {
				this.rooms.set(change.roomId, emptyRoom(change.roomId, change.seats, change.devices));
			}
		}
		const room = this.rooms.get(change.roomId);
		if (!room) return;
		switch (change.type) {
			case 'seated':
				room.hasBeenJoined = true;
				room.members.set(change.seat.peerId, toSeat(change.seat));
				this.#nodeOf.set(change.seat.peerId, change.seat.node);
				return;
			case 'updated': {
				const seat = room.members.get(change.seat.peerId);
				if (seat) seat.media = change.seat.media;
				return;
			}
			case 'away': {
				const seat = room.members.get(change.peerId);
				if (seat) seat.connectionId = null;
				this.#nodeOf.set(change.peerId, '');
				return;
			}
			case 'left': {
				const seat = room.members.get(change.peerId);
				if (!seat) return;
				room.members.delete(change.peerId);
				this.#nodeOf.delete(change.peerId);
				this.#events.emit('peerLeft', room, seat);
				return;
			}
			case 'ended':
				for (const peerId of room.members.keys()) this.#nodeOf.delete(peerId);
				this.rooms.delete(change.roomId);
				this.#events.emit('roomEnded', room);
				return;
		}
	}
}
