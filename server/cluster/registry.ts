/**
 * The room registry shared by several processes through Redis. Redis decides (server/cluster/
 * scripts.ts); each process reads its own view of every room (room-view.ts), which the
 * changes the scripts publish keep current.
 */
import { EventEmitter } from 'node:events';
import type { DeviceRule, Media, RoomInfo } from '../../src/lib/protocol.ts';
import { log } from '../log.ts';
import type { JoinOutcome, JoinRequest, RegistryEvents, RoomRegistry } from '../registry.ts';
import {
	devicesRequired,
	randomId,
	roomFull,
	roomNotFound,
	serverFull,
	tooManySeats,
	type Room,
	type Seat
} from '../rooms.ts';
import { runScript, type CommandClient } from './commands.ts';
import {
	createScript,
	holdScript,
	joinScript,
	KEY_PREFIX,
	leaveScript,
	mediaScript,
	releaseNodeScript,
	restoreScript,
	sweepScript
} from './scripts.ts';
import { emptyRoom, RoomView, toSeat, type RoomChange, type StoredSeat } from './room-view.ts';

export interface RedisRegistryOptions {
	maxSeats: number;
	maxRooms: number;
	unjoinedRoomSeconds: number;
	emptyRoomSeconds: number;
	resumeGraceSeconds: number;
}

/** How often each process says it is alive, and how long Redis believes it. */
export const HEARTBEAT_MS = 1000;
const HEARTBEAT_TTL_MS = 5000;
/** How often each process frees seats and rooms whose time ran out (any one may do it). */
const SWEEP_MS = 1000;

export class RedisRegistry extends EventEmitter<RegistryEvents> implements RoomRegistry {
	readonly #view: RoomView;
	readonly #rooms: Map<string, Room>;
	readonly #client: CommandClient;
	readonly #options: RedisRegistryOptions;
	/** This process's id in Redis: its name and a random part, new at every start. */
	readonly node: string;
	#timers: NodeJS.Timeout[] = [];
	/** Whether a connection is open on this process; Socket.IO knows (see attach in index.ts). */
	isConnectedHere: (connectionId: string) => boolean = () => false;

	constructor(client: CommandClient, nodeName: string, options: RedisRegistryOptions) {
		super();
		this.#client = client;
		this.#options = options;
		this.node = `${nodeName}-${randomId(6)}`;
		this.#view = new RoomView(this, (args) => this.#send(args));
		this.#rooms = this.#view.rooms;
	}

	get roomCount(): number {
		return this.#rooms.size;
	}

	get peerCount(): number {
		let count = 0;
		for (const room of this.#rooms.values()) count += room.members.size;
		return count;
	}

	get(roomId: string): Room | undefined {
		return this.#rooms.get(roomId);
	}

	async peek(roomId: string): Promise<RoomInfo | undefined> {
		const room = this.#rooms.get(roomId);
		if (room) return { seats: room.seats, taken: room.members.size, devices: room.devices };
		const [seats, devices, taken] = (await Promise.all([
			this.#send(['HGET', `${KEY_PREFIX}room:${roomId}`, 'seats']),
			this.#send(['HGET', `${KEY_PREFIX}room:${roomId}`, 'devices']),
			this.#send(['HLEN', `${KEY_PREFIX}room:${roomId}:seats`])
		])) as [string | null, DeviceRule | null, number];
		if (!seats || !devices) return undefined;
		return { seats: Number(seats), taken, devices };
	}

	async findSeat(roomId: string, peerId: string): Promise<Seat | undefined> {
		const raw = await this.#send(['HGET', `${KEY_PREFIX}room:${roomId}:seats`, peerId]);
		return typeof raw === 'string' ? toSeat(JSON.parse(raw) as StoredSeat) : undefined;
	}

	async create(seats: number, devices: DeviceRule) {
		if (seats > this.#options.maxSeats) return tooManySeats(this.#options.maxSeats);
		const roomId = randomId(16);
		const outcome = await runScript(this.#client, createScript, {
			roomId,
			seats,
			devices,
			maxRooms: this.#options.maxRooms,
			unjoinedMs: this.#options.unjoinedRoomSeconds * 1000
		});
		if (outcome !== 'ok') return serverFull();
		const room = this.#rooms.get(roomId) ?? emptyRoom(roomId, seats, devices);
		this.#rooms.set(roomId, room);
		return room;
	}

	async join(roomId: string, request: JoinRequest, connectionId: string): Promise<JoinOutcome> {
		const reply = (await runScript(this.#client, joinScript, {
			roomId,
			peerId: randomId(12),
			newResumeToken: randomId(32),
			resumeToken: request.resumeToken ?? '',
			name: request.name,
			media: request.media,
			connectionId,
			node: this.node
		})) as string[];
		const [code, roomJson, seatJson, resumed, replaced, ...members] = reply;
		if (code === 'room-not-found') return { ok: false, error: roomNotFound() };
		const info = JSON.parse(roomJson!) as RoomInfo;
		if (code === 'devices-required') return { ok: false, error: devicesRequired(info) };
		if (code !== 'ok') return { ok: false, error: roomFull(info) };
		const room = emptyRoom(roomId, info.seats, info.devices);
		room.hasBeenJoined = true;
		for (const raw of members) {
			const seat = toSeat(JSON.parse(raw) as StoredSeat);
			room.members.set(seat.peerId, seat);
		}
		const stored = JSON.parse(seatJson!) as StoredSeat;
		// This process relays this seat's signals next; its view must not wait for the change.
		this.#view.apply({
			type: 'seated',
			roomId,
			seats: info.seats,
			devices: info.devices,
			seat: stored
		});
		return {
			ok: true,
			seat: room.members.get(stored.peerId)!,
			resumed: resumed === '1',
			room,
			replacedConnectionId: replaced || null
		};
	}

	async leave(roomId: string, peerId: string, connectionId?: string): Promise<void> {
		await runScript(this.#client, leaveScript, {
			roomId,
			peerId,
			connectionId,
			emptyMs: this.#options.emptyRoomSeconds * 1000
		});
	}

	async hold(
		roomId: string,
		peerId: string,
		graceMs: number,
		connectionId?: string
	): Promise<Seat | undefined> {
		if (graceMs <= 0) {
			await this.leave(roomId, peerId, connectionId);
			return undefined;
		}
		const raw = await runScript(this.#client, holdScript, {
			roomId,
			peerId,
			connectionId,
			graceMs: Math.round(graceMs)
		});
		return typeof raw === 'string' ? toSeat(JSON.parse(raw) as StoredSeat) : undefined;
	}

	async updateMedia(roomId: string, peerId: string, media: Media): Promise<Seat | undefined> {
		const raw = await runScript(this.#client, mediaScript, { roomId, peerId, media });
		return typeof raw === 'string' ? toSeat(JSON.parse(raw) as StoredSeat) : undefined;
	}

	/** Says this process is alive and sweeps, now and then on; call once connected. */
	start(): void {
		const beat = () =>
			Promise.all([
				this.#send(['SET', `${KEY_PREFIX}node:${this.node}`, '1', 'PX', String(HEARTBEAT_TTL_MS)]),
				this.#send(['SADD', `${KEY_PREFIX}nodes`, this.node])
			]);
		const sweep = () =>
			runScript(this.#client, sweepScript, {
				graceMs: this.#options.resumeGraceSeconds * 1000,
				emptyMs: this.#options.emptyRoomSeconds * 1000
			});
		let isFailing = false;
		const every = (work: () => Promise<unknown>, ms: number) => {
			const run = () =>
				work().then(
					() => (isFailing = false),
					(error: unknown) => {
						if (!isFailing) log(`Redis did not answer: ${(error as Error).message}`);
						isFailing = true;
					}
				);
			void run();
			this.#timers.push(setInterval(run, ms));
		};
		every(beat, HEARTBEAT_MS);
		every(sweep, SWEEP_MS);
	}

	/** Hands this process's people to the others: their seats wait the grace for a resume. */
	async stop(): Promise<void> {
		for (const timer of this.#timers) clearInterval(timer);
		this.#timers = [];
		await runScript(this.#client, releaseNodeScript, {
			node: this.node,
			graceMs: this.#options.resumeGraceSeconds * 1000
		}).catch(() => {});
	}

	/**
	 * Writes back every room this process knows into Redis, in case Redis came back empty:
	 * the calls went on meanwhile, so their seats must not be given away. Idempotent; each
	 * process writes its own people's seats.
	 */
	async restore(): Promise<void> {
		await Promise.all(
			[...this.#rooms.values()].map((room) =>
				runScript(this.#client, restoreScript, {
					roomId: room.id,
					seats: room.seats,
					devices: room.devices,
					members: [...room.members.values()].map((seat) => ({
						seat: {
							peerId: seat.peerId,
							name: seat.name,
							media: seat.media,
							resumeToken: seat.resumeToken,
							connectionId: seat.connectionId ?? ''
						},
						isHere:
							seat.connectionId !== null &&
							this.#view.nodeOf(seat.peerId) === this.node &&
							this.isConnectedHere(seat.connectionId)
					})),
					node: this.node,
					graceMs: this.#options.resumeGraceSeconds * 1000,
					emptyMs: this.#options.emptyRoomSeconds * 1000
				})
			)
		);
	}

	/** A change published by any process (this one included), in the order it was made. */
	receive(message: string): void {
		this.#view.receive(JSON.parse(message) as RoomChange);
	}

	/** Rebuilds this process's view of every room from Redis (see room-view.ts). */
	reload(): Promise<void> {
		return this.#view.reload();
	}

	#send(args: string[]): Promise<unknown> {
		return this.#client.sendCommand(args);
	}
}
