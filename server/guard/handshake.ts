/**
 * Socket.IO's front door: every new connection's handshake passes here (engine.io's
 * allowRequest) before the server holds anything for it. Refused: a foreign page's origin, and
 * an address that already has its share of live connections.
 */
import type { IncomingMessage } from 'node:http';
import type { ErrorCode } from '../../src/lib/protocol.ts';
import type { Config } from '../config.ts';
import { clientAddress } from './address.ts';
import { isAllowedOrigin } from './origin.ts';

/** engine.io's allowRequest: the message goes into the refusal's body as `message`. */
export type AllowRequest = (
	request: IncomingMessage,
	decide: (message: string | null, isAllowed: boolean) => void
) => void;

/** An engine.io connection, as much of it as counting needs. */
export interface CountedConnection {
	request: IncomingMessage;
	once(event: 'close', listener: () => void): unknown;
}

type Settings = Pick<Config, 'maxConnectionsPerAddress' | 'allowedOrigins' | 'trustProxy'>;

export class Handshakes {
	readonly #settings: Settings;
	readonly #liveByAddress = new Map<string, number>();
	/** Handshakes admitted but not yet connected, by request, so each is counted once. */
	readonly #admitted = new WeakMap<IncomingMessage, string>();

	constructor(settings: Settings) {
		this.#settings = settings;
	}

	/** Live connections (and handshakes under way) from an address. */
	liveFrom(address: string): number {
		return this.#liveByAddress.get(address) ?? 0;
	}

	readonly allowRequest: AllowRequest = (request, decide) => {
		const address = clientAddress(
			request.socket.remoteAddress,
			request.headers['x-forwarded-for'],
			this.#settings.trustProxy
		);
		const refusal = this.#refusal(request, address);
		if (refusal) return decide(refusal, false);
		// Counted now, not when the connection opens: the handshakes of a burst that arrive in
		// one read would otherwise all pass before the first of them is counted.
		this.#add(address, 1);
		this.#admitted.set(request, address);
		// engine.io opens the connection within this turn of the event loop or not at all (a
		// broken WebSocket upgrade); a handshake still uncounted after it is given back.
		setImmediate(() => {
			if (!this.#admitted.has(request)) return;
			this.#admitted.delete(request);
			this.#add(address, -1);
		});
		decide(null, true);
	};

	/** Called for each engine.io connection; it counts until it closes. */
	opened(connection: CountedConnection): void {
		const address = this.#admitted.get(connection.request);
		if (address === undefined) return;
		this.#admitted.delete(connection.request);
		connection.once('close', () => this.#add(address, -1));
	}

	#refusal(request: IncomingMessage, address: string): ErrorCode | undefined {
		if (!isAllowedOrigin(request.headers, this.#settings)) return 'forbidden-origin';
		if (this.liveFrom(address) >= this.#settings.maxConnectionsPerAddress) {
			return 'too-many-connections';
		}
		return undefined;
	}

	#add(address: string, change: number): void {
		const count = this.liveFrom(address) + change;
		if (count > 0) this.#liveByAddress.set(address, count);
		else this.#liveByAddress.delete(address);
	}
}
