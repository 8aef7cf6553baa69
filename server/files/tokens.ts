/**
 * File tokens: one credential per seat for the file routes, handed out in the join answer.
 * A resumed seat keeps its token (so an interrupted upload can go on); a freed seat's token
 * stops working at once, because every use checks that the seat still exists.
 */
import { createHash, randomBytes } from 'node:crypto';
import * as v from 'valibot';
import { TokenSchema } from '../../src/lib/protocol.ts';
import type { RoomRegistry } from '../registry.ts';
import type { Seat } from '../rooms.ts';

export interface Member {
	roomId: string;
	peerId: string;
}

/** The seat's token from `Authorization: Bearer`, the only place it is taken from. */
export function bearerToken(header: string | undefined): string | undefined {
	const match = /^Bearer ([A-Za-z0-9_-]+)$/.exec(header ?? '');
	return match?.[1];
}

// Looked up by digest: the map's lookup time then says nothing about the token itself.
const digest = (token: string) => createHash('sha256').update(token).digest('base64url');

export class FileTokens {
	readonly #registry: RoomRegistry;
	readonly #members = new Map<string, Member>();
	readonly #tokens = new Map<string, string>();

	constructor(registry: RoomRegistry) {
		this.#registry = registry;
	}

	/** The seat's token, the same one every time the seat joins or resumes. */
	issue(roomId: string, peerId: string): string {
		const existing = this.#tokens.get(peerId);
		if (existing) return existing;
		const token = randomBytes(32).toString('base64url');
		this.#tokens.set(peerId, token);
		this.#members.set(digest(token), { roomId, peerId });
		return token;
	}

	/** The member a token belongs to, if it is well formed and their seat still exists. */
	resolve(token: unknown): (Member & { seat: Seat }) | undefined {
		if (!v.is(TokenSchema, token)) return undefined;
		const member = this.#members.get(digest(token));
		if (!member) return undefined;
		const seat = this.#registry.get(member.roomId)?.members.get(member.peerId);
		return seat ? { ...member, seat } : undefined;
	}

	revoke(peerId: string): void {
		const token = this.#tokens.get(peerId);
		if (!token) return;
		this.#tokens.delete(peerId);
		this.#members.delete(digest(token));
	}

	revokeRoom(roomId: string): void {
		for (const [key, member] of this.#members) {
			if (member.roomId !== roomId) continue;
			this.#members.delete(key);
			this.#tokens.delete(member.peerId);
		}
	}
}
