/**
 * Rate limits on Socket.IO events, per connection and per client address, with a cost per
 * event, and a limit on the rooms one address creates. The budgets (server/config.ts) are sized
 * for honest bursts: joining an 8-person room sends well over a hundred ICE candidates within
 * a second or two, and a household of 8 can do that together from one address.
 */
import type { Socket } from 'socket.io';
import { clientEvents, type ProtocolError } from '../../src/lib/protocol.ts';
import type { Config } from '../config.ts';
import { answerer } from '../answers.ts';
import type { Limiter, LimiterStore, Spend } from './limiter.ts';

type ClientEvent = (typeof clientEvents)[number];

/** What each event costs: what it makes the server do and hold, a signal being the unit. */
export const eventPoints = {
	'room:create': 10,
	'room:peek': 2,
	'room:join': 5,
	'room:leave': 1,
	'room:away': 1,
	'peer:media': 1,
	signal: 1,
	'file:delete': 2
} as const satisfies Record<ClientEvent, number>;

/** An event the protocol does not have costs as much as the dearest one that it does. */
const unknownEventPoints = 10;

type Settings = Pick<
	Config,
	| 'rateWindowSeconds'
	| 'eventPointsPerConnection'
	| 'eventPointsPerAddress'
	| 'roomsPerAddressPerMinute'
>;

export function rateLimited(retryAfterSeconds: number): ProtocolError {
	return {
		code: 'rate-limited',
		message: `Too many requests; try again in ${retryAfterSeconds} s`,
		retryAfterSeconds
	};
}

function tooManyRooms(retryAfterSeconds: number): ProtocolError {
	return {
		code: 'too-many-rooms',
		message: `Too many rooms created from your address; try again in ${retryAfterSeconds} s`,
		retryAfterSeconds
	};
}

function pointsFor(event: string): number {
	return Object.hasOwn(eventPoints, event) ? eventPoints[event as ClientEvent] : unknownEventPoints;
}

export class EventLimits {
	readonly #perConnection: Limiter;
	readonly #perAddress: Limiter;
	readonly #roomsPerAddress: Limiter;
	readonly #maxWaiting: number;

	constructor(settings: Settings, store: LimiterStore) {
		const windowSeconds = settings.rateWindowSeconds;
		this.#maxWaiting = settings.eventPointsPerConnection;
		this.#perConnection = store({
			name: 'events-connection',
			points: settings.eventPointsPerConnection,
			windowSeconds
		});
		this.#perAddress = store({
			name: 'events-address',
			points: settings.eventPointsPerAddress,
			windowSeconds
		});
		this.#roomsPerAddress = store({
			name: 'rooms-address',
			points: settings.roomsPerAddressPerMinute,
			windowSeconds: 60
		});
	}

	/** Checks every event of one connection, in the order they arrived, before any handler. */
	attach(socket: Socket, address: string): void {
		// Checked one after another: with a shared store the answers may come back out of
		// order, and a description overtaken by its own candidates breaks the call.
		let checked = Promise.resolve();
		let waiting = 0;
		// A shared store answers in a round trip, and a flood must not pile up behind it. More
		// events waiting than the whole budget could never all pass: the rest are refused unchecked.
		const maxWaiting = this.#maxWaiting;
		socket.use(([event, ...args], next) => {
			const ack = answerer(args.at(-1));
			if (waiting >= maxWaiting) return ack({ ok: false, error: rateLimited(1) });
			waiting += 1;
			checked = checked
				.then(() => this.#refusal(socket.id, address, event))
				.catch(() => rateLimited(1))
				.then((refusal) => {
					waiting -= 1;
					if (refusal) ack({ ok: false, error: refusal });
					else next();
				});
		});
	}

	async #refusal(
		connectionId: string,
		address: string,
		event: string
	): Promise<ProtocolError | undefined> {
		const points = pointsFor(event);
		const refused = (spend: Spend) => (spend.isAllowed ? undefined : spend.retryAfterSeconds);
		const connectionWait = refused(await this.#perConnection.spend(connectionId, points));
		if (connectionWait !== undefined) return rateLimited(connectionWait);
		const addressWait = refused(await this.#perAddress.spend(address, points));
		if (addressWait !== undefined) return rateLimited(addressWait);
		if (event === 'room:create') {
			const roomsWait = refused(await this.#roomsPerAddress.spend(address, 1));
			if (roomsWait !== undefined) return tooManyRooms(roomsWait);
		}
		return undefined;
	}
}
