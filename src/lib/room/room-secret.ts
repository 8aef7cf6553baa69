/**
 * The room secret: random bytes made by the browser that creates a room, carried in the invite
 * link's fragment (`/r/<id>#<secret>`). Browsers never send a fragment to a server, so files
 * sealed with it (src/lib/files/sealed/) can be opened by everyone holding the link and by no
 * one holding only the server. Once read from the link it is kept for the tab, so a reload
 * or an address without it still opens the room's files.
 */
import { toBase64Url } from '../files/sealed/base64url';

/** 128 bits, as the room id: the same odds against a guess. */
const SECRET_BYTES = 16;
const secretPattern = /^[A-Za-z0-9_-]{22}$/;
const storageKey = (roomId: string) => `dropcall:room-secret:${roomId}`;

export function newRoomSecret(): string {
	return toBase64Url(crypto.getRandomValues(new Uint8Array(SECRET_BYTES)));
}

/** The secret in a link's fragment (`#…`), if it holds one. */
export function secretFromHash(hash: string): string | undefined {
	const secret = hash.replace(/^#/, '');
	return secretPattern.test(secret) ? secret : undefined;
}

export function isRoomSecret(value: unknown): value is string {
	return typeof value === 'string' && secretPattern.test(value);
}

/** A room's path with its secret in the fragment, when there is one. */
export function roomPath(roomId: string, secret: string | undefined, query = ''): string {
	return `/r/${roomId}${query}${secret ? `#${secret}` : ''}`;
}

/** Keeps the secret for this tab only (sessionStorage dies with it). */
export function keepRoomSecret(roomId: string, secret: string): void {
	try {
		sessionStorage.setItem(storageKey(roomId), secret);
	} catch {
		// Storage disabled: the secret stays in the address bar, which is enough until a reload.
	}
}

export function keptRoomSecret(roomId: string): string | undefined {
	try {
		const kept = sessionStorage.getItem(storageKey(roomId));
		return isRoomSecret(kept) ? kept : undefined;
	} catch {
		return undefined;
	}
}
