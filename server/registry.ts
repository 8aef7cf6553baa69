/**
 * What the rest of the server needs from the room registry, whichever keeps it: this process's
 * memory (server/rooms.ts, the default) or Redis shared by several processes
 * (server/cluster/registry.ts). Reads of this process's view are synchronous, so the signaling
 * relay stays one lookup; whatever decides something (a seat, a room) may have to ask Redis and
 * returns a promise there.
 */
import type { EventEmitter } from 'node:events';
import type { DeviceRule, Media, ProtocolError, RoomInfo } from '../src/lib/protocol.ts';
import type { Room, Seat } from './rooms.ts';

export type MaybePromise<T> = T | Promise<T>;

export interface RegistryEvents {
	peerLeft: [room: Room, seat: Seat];
	roomEnded: [room: Room];
	/** Several processes only: a file left with the process that held it (stopped or dead). */
	fileLost: [roomId: string, fileId: string];
}

export type JoinOutcome =
	| {
			ok: true;
			seat: Seat;
			resumed: boolean;
			/** The room as the join left it, the new seat included. */
			room: Room;
			/** The connection that held a resumed seat before, if another one did. */
			replacedConnectionId: string | null;
	  }
	| { ok: false; error: ProtocolError };

export interface JoinRequest {
	name: string;
	media: Media;
	resumeToken?: string | undefined;
}

export interface RoomRegistry extends EventEmitter<RegistryEvents> {
	/** Rooms and seats this process knows of (in cluster mode, all of them, a moment late). */
	readonly roomCount: number;
	readonly peerCount: number;
	/** This process's view of a room; it may lag a change made on another process by a moment. */
	get(roomId: string): Room | undefined;
	/** The room's size and rule, asking the shared store when this process has not heard of it. */
	peek(roomId: string): MaybePromise<RoomInfo | undefined>;
	/** The seat as the shared store has it now: for when this process's view may lag. */
	findSeat(roomId: string, peerId: string): MaybePromise<Seat | undefined>;
	create(seats: number, devices: DeviceRule): MaybePromise<Room | ProtocolError>;
	/**
	 * Takes a seat, or takes back a held one when the resume token matches, atomically: N
	 * simultaneous joins to a room with k free seats admit exactly k.
	 */
	join(roomId: string, request: JoinRequest, connectionId: string): MaybePromise<JoinOutcome>;
	/**
	 * Frees the seat now. With `connectionId`, only while that connection holds it: a seat
	 * resumed elsewhere meanwhile stays.
	 */
	leave(roomId: string, peerId: string, connectionId?: string): MaybePromise<void>;
	/**
	 * Holds the seat of a dropped connection until `graceMs` from now (or frees it at 0); a join
	 * with its resume token takes it back. Answers the held seat, if it was still that connection's.
	 */
	hold(
		roomId: string,
		peerId: string,
		graceMs: number,
		connectionId?: string
	): MaybePromise<Seat | undefined>;
	updateMedia(roomId: string, peerId: string, media: Media): MaybePromise<Seat | undefined>;
	/**
	 * This process is stopping. Alone, it ends every room so listeners release what rooms
	 * hold; in a cluster, it holds its people's seats for them to resume on another process.
	 */
	stop(): MaybePromise<void>;
}
