/**
 * What this device holds of a game, kept per tab so a reload picks the game up where it was.
 * Only this device knows some of it: the host's copy is the game itself (nobody else may send
 * the state, so a host that came back empty-handed would stall the game), and the drawer's
 * secret word never left the drawer. sessionStorage belongs to the tab and dies with it, as
 * the saved seat does (room/saved-seat.ts); a save under another seat is never taken.
 */
import * as v from 'valibot';
import { PeerIdSchema } from '../protocol';
import type { GameState } from './machine';
import { MAX_PLAYERS, MAX_WORD_LENGTH, parseGameWire, stateFromWire, stateToWire } from './wire';

const STORAGE_KEY = 'dropcall:game';

export interface SavedSecret {
	/** `gameId:round` the word belongs to. */
	round: string;
	choices: string[];
	word?: string | undefined;
	correct: string[];
	used: string[];
}

export interface GameSnapshot {
	state: GameState;
	writer: string;
	secret: SavedSecret;
}

const WordSchema = v.pipe(v.string(), v.maxLength(MAX_WORD_LENGTH));
const SavedSchema = v.object({
	roomId: v.string(),
	selfId: PeerIdSchema,
	writer: PeerIdSchema,
	savedAt: v.number(),
	/** The state as a peer would send it, so it passes the same checks on the way back. */
	wire: v.pipe(v.string(), v.maxLength(64 * 1024)),
	secret: v.object({
		round: v.pipe(v.string(), v.maxLength(80)),
		choices: v.pipe(v.array(WordSchema), v.maxLength(10)),
		word: v.optional(WordSchema),
		correct: v.pipe(v.array(PeerIdSchema), v.maxLength(MAX_PLAYERS)),
		used: v.pipe(v.array(WordSchema), v.maxLength(1000))
	})
});

function storage(): Storage | undefined {
	try {
		return typeof sessionStorage === 'undefined' ? undefined : sessionStorage;
	} catch {
		return undefined;
	}
}

export function saveGame(roomId: string, selfId: string, snapshot: GameSnapshot | undefined): void {
	const store = storage();
	if (!store) return;
	try {
		if (!snapshot) return store.removeItem(STORAGE_KEY);
		const savedAt = Date.now();
		const wire = JSON.stringify({ type: 'state', state: stateToWire(snapshot.state, savedAt) });
		store.setItem(
			STORAGE_KEY,
			JSON.stringify({
				roomId,
				selfId,
				writer: snapshot.writer,
				savedAt,
				wire,
				secret: snapshot.secret
			})
		);
	} catch {
		// A full or switched-off storage costs only the pick-up after a reload.
	}
}

/** The game this seat held before the page reloaded, if it saved one. */
export function loadGame(roomId: string, selfId: string): GameSnapshot | undefined {
	let parsed: unknown;
	try {
		parsed = JSON.parse(storage()?.getItem(STORAGE_KEY) ?? 'null');
	} catch {
		return undefined;
	}
	const saved = v.safeParse(SavedSchema, parsed);
	if (!saved.success || saved.output.roomId !== roomId || saved.output.selfId !== selfId) {
		return undefined;
	}
	const wire = parseGameWire(saved.output.wire);
	if (wire?.type !== 'state') return undefined;
	// Same device, same clock: the phase ends when it would have without the reload.
	const state = stateFromWire(wire.state, saved.output.savedAt);
	return { state, writer: saved.output.writer, secret: saved.output.secret };
}
