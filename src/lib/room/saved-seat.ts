/**
 * What a tab needs to come back to its seat after a reload: the room, the seat and its resume
 * token, the name and what the person sent (camera and microphone on or off).
 *
 * It lives in sessionStorage because that belongs to one tab and survives its reloads, while a
 * second tab of the same browser starts empty and joins as a second person. Browsers copy
 * sessionStorage into a duplicated tab and into one opened with window.open, though, so the
 * copy alone would let two tabs fight over one seat. Each tab therefore holds a Web Lock named
 * after its seat for as long as it is in the room: a reloaded page gets the lock as soon as the
 * page it replaces is gone, a duplicate never gets it while the original lives, and so joins as
 * someone new. (https://w3c.github.io/web-locks/)
 */
import * as v from 'valibot';
import { MediaSchema, PeerIdSchema, RoomIdSchema, TokenSchema } from '../protocol';

const STORAGE_KEY = 'dropcall:seat';

const SavedSeatSchema = v.object({
	roomId: RoomIdSchema,
	peerId: PeerIdSchema,
	resumeToken: TokenSchema,
	name: v.string(),
	media: MediaSchema
});
export type SavedSeat = v.InferOutput<typeof SavedSeatSchema>;

/**
 * How long a page with a saved seat waits for the page it replaces to let go of it. A reload's
 * old page is gone well within it; a duplicate tab waits this long before offering Join.
 */
export const CLAIM_WAIT_MS = 1500;

function storage(): Storage | undefined {
	try {
		return typeof sessionStorage === 'undefined' ? undefined : sessionStorage;
	} catch {
		// Storage switched off for the site: the page still works, it just cannot come back.
		return undefined;
	}
}

export function readSavedSeat(roomId: string): SavedSeat | undefined {
	try {
		const parsed = v.safeParse(SavedSeatSchema, JSON.parse(storage()?.getItem(STORAGE_KEY) ?? ''));
		return parsed.success && parsed.output.roomId === roomId ? parsed.output : undefined;
	} catch {
		return undefined;
	}
}

export function saveSeat(seat: SavedSeat): void {
	try {
		storage()?.setItem(STORAGE_KEY, JSON.stringify(seat));
	} catch {
		// Full or switched off: a reload will then ask to join again, as before.
	}
}

export function forgetSeat(): void {
	storage()?.removeItem(STORAGE_KEY);
}

/**
 * Holds the seat for this tab until the returned function is called; resolves undefined when
 * another live tab still holds it after `waitMs`. Without Web Locks every claim succeeds.
 */
export function claimSeat(peerId: string, waitMs: number): Promise<(() => void) | undefined> {
	if (typeof navigator === 'undefined' || !navigator.locks) return Promise.resolve(() => {});
	return new Promise((resolve) => {
		let release = () => {};
		const held = new Promise<void>((done) => (release = done));
		navigator.locks
			.request(`dropcall-seat:${peerId}`, { signal: AbortSignal.timeout(waitMs) }, () => {
				resolve(release);
				return held;
			})
			.catch(() => resolve(undefined));
	});
}
