/**
 * Download links: a link token names one file and the seat that asked for it, until a time,
 * signed with a key made at server start. It opens that file and its preview, read-only, and
 * nothing else; the route checks on every use that the file and the seat still exist, so a
 * link stops the moment either goes, and by itself within minutes.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Clock } from '../clock.ts';

export type LinkCheck = { peerId: string } | 'expired' | undefined;

const linkPattern = /^(\d{1,15})\.([A-Za-z0-9_-]{1,64})\.([A-Za-z0-9_-]{43})$/;

export class FileLinks {
	readonly #key: Buffer;
	readonly #clock: Clock;
	readonly #lifetimeMs: number;

	/**
	 * `key`: made at start by default, since a restarted server has no files and no old link
	 * needs to keep working; on several processes, one key they share (server/cluster/files.ts).
	 */
	constructor(clock: Clock, lifetimeSeconds: number, key: Buffer = randomBytes(32)) {
		this.#clock = clock;
		this.#lifetimeMs = lifetimeSeconds * 1000;
		this.#key = key;
	}

	get lifetimeSeconds(): number {
		return this.#lifetimeMs / 1000;
	}

	/** A link token for `fileId`, for the seat `peerId`. */
	sign(fileId: string, peerId: string): string {
		const expiresAt = this.#clock.now() + this.#lifetimeMs;
		return `${expiresAt}.${peerId}.${this.#mac(fileId, peerId, expiresAt)}`;
	}

	/** The seat a link token was made for, if it is genuine, for this file and not expired. */
	check(fileId: string, token: string | null): LinkCheck {
		const match = linkPattern.exec(token ?? '');
		if (!match) return undefined;
		const [, expires = '', peerId = '', mac = ''] = match;
		const expiresAt = Number(expires);
		const expected = Buffer.from(this.#mac(fileId, peerId, expiresAt));
		if (!timingSafeEqual(expected, Buffer.from(mac))) return undefined;
		return this.#clock.now() < expiresAt ? { peerId } : 'expired';
	}

	#mac(fileId: string, peerId: string, expiresAt: number): string {
		return createHmac('sha256', this.#key)
			.update(`${fileId}\n${peerId}\n${expiresAt}`)
			.digest('base64url');
	}
}
