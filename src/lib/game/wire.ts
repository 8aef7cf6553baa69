/**
 * What peers say to each other on the game data channel. Everything received is checked
 * against these schemas; anything malformed or oversized is dropped before the game sees it.
 * The secret word appears in exactly one message, `reveal`, sent once the round is over.
 */
import * as v from 'valibot';
import { DisplayNameSchema, PeerIdSchema } from '../protocol';
import type { GameState } from './machine';

export const MAX_WIRE_BYTES = 16 * 1024;
export const MAX_GUESS_LENGTH = 40;
export const MAX_WORD_LENGTH = 40;
/** Eight seats, plus people who left or came back under a new id during one game. */
export const MAX_PLAYERS = 32;
const MAX_PHASE_MS = 10 * 60_000;

const GameIdSchema = v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{8,32}$/));
const CountSchema = v.pipe(
	v.number(),
	v.integer(),
	v.minValue(0),
	v.maxValue(Number.MAX_SAFE_INTEGER)
);
const RoundSchema = v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(1000));
const DurationSchema = v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(MAX_PHASE_MS));
const HintSchema = v.pipe(
	v.array(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(MAX_WORD_LENGTH))),
	v.minLength(1),
	v.maxLength(10)
);

const PlayerSchema = v.strictObject({
	id: PeerIdSchema,
	name: DisplayNameSchema,
	score: v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(1_000_000)),
	hasDrawn: v.boolean(),
	hasLeft: v.boolean()
});

/** The public game state; time left instead of an end time, since clocks differ. */
const StateSchema = v.strictObject({
	number: v.pipe(CountSchema, v.minValue(1)),
	gameId: GameIdSchema,
	version: v.pipe(CountSchema, v.minValue(1)),
	language: v.picklist(['en', 'ko']),
	phase: v.picklist(['choosing', 'drawing', 'round-end', 'over']),
	round: RoundSchema,
	drawerId: v.nullable(PeerIdSchema),
	players: v.pipe(v.array(PlayerSchema), v.maxLength(MAX_PLAYERS)),
	guessed: v.pipe(v.array(PeerIdSchema), v.maxLength(MAX_PLAYERS)),
	hint: v.nullable(HintSchema),
	remainingMs: DurationSchema,
	endReason: v.nullable(
		v.picklist([
			'all-guessed',
			'time',
			'drawer-left',
			'no-word',
			'everyone-drew',
			'too-few-players'
		])
	),
	settings: v.strictObject({
		chooseMs: v.pipe(DurationSchema, v.minValue(1000)),
		roundMs: v.pipe(DurationSchema, v.minValue(1000)),
		revealMs: DurationSchema
	})
});
type StateWire = v.InferOutput<typeof StateSchema>;

const roundEntries = { gameId: GameIdSchema, round: RoundSchema };

export const GameWireSchema = v.variant('type', [
	/** Host → everyone: the game as it stands. */
	v.strictObject({ type: v.literal('state'), state: StateSchema }),
	/** Drawer → host: a word was chosen; only its shape travels. */
	v.strictObject({ type: v.literal('chosen'), ...roundEntries, hint: HintSchema }),
	/** Guesser → drawer only, so no other guesser ever sees a guess. */
	v.strictObject({
		type: v.literal('guess'),
		...roundEntries,
		id: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(1_000_000)),
		text: v.pipe(v.string(), v.minLength(1), v.maxLength(MAX_GUESS_LENGTH))
	}),
	/** Drawer → that guesser only. */
	v.strictObject({
		type: v.literal('verdict'),
		...roundEntries,
		id: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(1_000_000)),
		verdict: v.picklist(['correct', 'close', 'wrong'])
	}),
	/** Drawer → host: this guesser got it. */
	v.strictObject({ type: v.literal('correct'), ...roundEntries, guesserId: PeerIdSchema }),
	/** Drawer → host: everyone has seen the word, so the next round may start now. */
	v.strictObject({ type: v.literal('next'), ...roundEntries }),
	/** Drawer → everyone, once the round is over. */
	v.strictObject({
		type: v.literal('reveal'),
		...roundEntries,
		word: v.pipe(v.string(), v.minLength(1), v.maxLength(MAX_WORD_LENGTH))
	})
]);
export type GameWire = v.InferOutput<typeof GameWireSchema>;

/** Parses one data-channel message; undefined for anything that is not a valid game message. */
export function parseGameWire(data: string): GameWire | undefined {
	if (data.length > MAX_WIRE_BYTES) return undefined;
	try {
		const result = v.safeParse(GameWireSchema, JSON.parse(data));
		return result.success ? result.output : undefined;
	} catch {
		return undefined;
	}
}

export function stateToWire(state: GameState, now: number): StateWire {
	const { endsAt, ...rest } = state;
	return { ...rest, remainingMs: Math.min(MAX_PHASE_MS, Math.max(0, Math.round(endsAt - now))) };
}

export function stateFromWire(wire: StateWire, now: number): GameState {
	const { remainingMs, ...rest } = wire;
	return { ...rest, endsAt: rest.phase === 'over' ? 0 : now + remainingMs };
}
