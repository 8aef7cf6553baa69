/**
 * The room registry kept in this process's memory, the default (server/registry.ts says what a
 * registry does). Every method is synchronous, so a join decides and takes a seat in one step:
 * N simultaneous joins to a room with k free seats admit exactly k, whatever order the events
 * arrive in.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { JoinOutcome, JoinRequest, RegistryEvents, RoomRegistry } from './registry.ts';
import {
	meetsDeviceRule,
	type DeviceRule,
	type Media,
	type PeerInfo,
	type ProtocolError,
	type RoomInfo
} from '../src/lib/protocol.ts';

export interface Seat {
	peerId: string;
	name: string;
	media: Media;
	resumeToken: string;
	/** The connection currently holding the seat; null while the seat waits for a resume. */
	connectionId: string | null;
	graceTimer: NodeJS.Timeout | undefined;
}

export interface Room {
	id: string;
	seats: number;
	devices: DeviceRule;
	members: Map<string, Seat>;
	hasBeenJoined: boolean;
	expiryTimer: NodeJS.Timeout | undefined;
}

export interface RegistryOptions {
	maxSeats: number;
	/** Rooms on the server at once; decided here so simultaneous creates cannot pass it. */
	maxRooms: number;
	unjoinedRoomSeconds: number;
	emptyRoomSeconds: number;
}

export const randomId = (bytes: number) => randomBytes(bytes).toString('base64url');

export function describeRoom(room: Room): RoomInfo {
	return { seats: room.seats, taken: room.members.size, devices: room.devices };
}

export function describeSeat(seat: Seat): PeerInfo {
	return {
		id: seat.peerId,
		name: seat.name,
		media: seat.media,
		isAway: seat.connectionId === null
	};
}

function tokensMatch(a: string, b: string): boolean {
	const left = Buffer.from(a);
	const right = Buffer.from(b);
	return left.length === right.length && timingSafeEqual(left, right);
}

export class MemoryRegistry extends EventEmitter<RegistryEvents> implements RoomRegistry {
	readonly #rooms = new Map<string, Room>();
	readonly #options: RegistryOptions;

	constructor(options: RegistryOptions) {
		super();
		this.#options = options;
	}

	get roomCount(): number {
		return this.#rooms.size;
	}

	get peerCount(): number {
		let count = 0;
		for (const room of this.#rooms.values()) count += room.members.size;
		return count;
	}

	create(seats: number, devices: DeviceRule): Room | ProtocolError {
		if (seats > this.#options.maxSeats) return tooManySeats(this.#options.maxSeats);
		if (this.#rooms.size >= this.#options.maxRooms) return serverFull();
		const room: Room = {
			id: randomId(16),
			seats,
			devices,
			members: new Map(),
			hasBeenJoined: false,
			expiryTimer: undefined
		};
		this.#rooms.set(room.id, room);
		this.#scheduleExpiry(room, this.#options.unjoinedRoomSeconds);
		return room;
	}

	get(roomId: string): Room | undefined {
		return this.#rooms.get(roomId);
	}

	peek(roomId: string): RoomInfo | undefined {
		const room = this.#rooms.get(roomId);
		return room && describeRoom(room);
	}

	findSeat(roomId: string, peerId: string): Seat | undefined {
		return this.#rooms.get(roomId)?.members.get(peerId);
	}

	/**
	 * Takes a seat, or takes back a held one when the resume token matches. A token that no
	 * longer matches (the grace ran out) falls back to an ordinary join.
	 */
	join(roomId: string, request: JoinRequest, connectionId: string): JoinOutcome {
		const room = this.#rooms.get(roomId);
		if (!room) return { ok: false, error: roomNotFound() };
		if (!meetsDeviceRule(room.devices, request.media)) {
			return { ok: false, error: devicesRequired(describeRoom(room)) };
		}
		if (request.resumeToken) {
			for (const seat of room.members.values()) {
				if (tokensMatch(seat.resumeToken, request.resumeToken)) {
					clearTimeout(seat.graceTimer);
					seat.graceTimer = undefined;
					const replacedConnectionId = seat.connectionId;
					seat.connectionId = connectionId;
					seat.name = request.name;
					seat.media = request.media;
					return { ok: true, seat, resumed: true, room, replacedConnectionId };
				}
			}
		}
		if (room.members.size >= room.seats) {
			return { ok: false, error: roomFull(describeRoom(room)) };
		}
		const seat: Seat = {
			peerId: randomId(12),
			name: request.name,
			media: request.media,
			resumeToken: randomId(32),
			connectionId,
			graceTimer: undefined
		};
		room.members.set(seat.peerId, seat);
		room.hasBeenJoined = true;
		clearTimeout(room.expiryTimer);
		room.expiryTimer = undefined;
		return { ok: true, seat, resumed: false, room, replacedConnectionId: null };
	}

	/** Frees the seat now: an explicit leave, a closed tab, or the end of the grace. */
	leave(roomId: string, peerId: string, connectionId?: string): void {
		const room = this.#rooms.get(roomId);
		const seat = room?.members.get(peerId);
		if (!room || !seat) return;
		if (connectionId !== undefined && seat.connectionId !== connectionId) return;
		clearTimeout(seat.graceTimer);
		room.members.delete(peerId);
		this.emit('peerLeft', room, seat);
		if (room.members.size === 0) this.#scheduleExpiry(room, this.#options.emptyRoomSeconds);
	}

	/**
	 * Holds the seat for a connection that dropped without leaving, until `graceMs` from now;
	 * a join with the seat's resume token before then takes it back.
	 */
	hold(roomId: string, peerId: string, graceMs: number, connectionId?: string): Seat | undefined {
		const room = this.#rooms.get(roomId);
		const seat = room?.members.get(peerId);
		if (!room || !seat) return undefined;
		if (connectionId !== undefined && seat.connectionId !== connectionId) return undefined;
		if (graceMs <= 0) {
			this.leave(roomId, peerId);
			return undefined;
		}
		seat.connectionId = null;
		clearTimeout(seat.graceTimer);
		seat.graceTimer = setTimeout(() => this.leave(roomId, peerId), graceMs);
		return seat;
	}

	updateMedia(roomId: string, peerId: string, media: Media): Seat | undefined {
		const seat = this.#rooms.get(roomId)?.members.get(peerId);
		if (seat) seat.media = media;
		return seat;
	}

	stop(): void {
		this.endAll();
	}

	/** Ends every room at once (server shutdown), so listeners release what rooms hold. */
	endAll(): void {
		for (const room of [...this.#rooms.values()]) this.#end(room);
	}

	#scheduleExpiry(room: Room, seconds: number): void {
		clearTimeout(room.expiryTimer);
		room.expiryTimer = setTimeout(() => {
			if (room.members.size === 0) this.#end(room);
		}, seconds * 1000);
	}

	#end(room: Room): void {
		clearTimeout(room.expiryTimer);
		for (const seat of room.members.values()) clearTimeout(seat.graceTimer);
		this.#rooms.delete(room.id);
		this.emit('roomEnded', room);
	}
}

export function roomNotFound(): ProtocolError {
	return { code: 'room-not-found', message: 'This room does not exist or has ended' };
}

export function tooManySeats(maxSeats: number): ProtocolError {
	return {
		code: 'invalid-request',
		message: `Rooms on this server hold at most ${maxSeats} people`
	};
}

export function serverFull(): ProtocolError {
	return {
		code: 'server-full',
		message: 'This server has as many rooms as it can hold; try again later'
	};
}

export function devicesRequired(room: RoomInfo): ProtocolError {
	return {
		code: 'devices-required',
		message:
			room.devices === 'video'
				? 'This room asks for a camera and a microphone'
				: 'This room asks for a microphone',
		room
	};
}

export function roomFull(room: RoomInfo): ProtocolError {
	return { code: 'room-full', message: `This room is full (${room.taken} of ${room.seats})`, room };
}
