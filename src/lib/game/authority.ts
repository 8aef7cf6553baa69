/**
 * Who may say what in a game, decided at every receiver. The public state comes only from the
 * host (`hostOf`), or from whoever starts a new game once the last one is over; counters may
 * step only so far past what this device has seen; and a state must make sense in itself.
 * A state that may be honest but arrived early (a new host whose predecessor this device does
 * not yet know has left, a new game before the end of the last one) is held and tried again.
 */
import { hostOf, isNewer, type GameState } from './machine';

/** Far more transitions than one game has (a few per round, a round per player). */
export const MAX_VERSION_JUMP = 10_000;
/** Far more games than one room plays between a device's two looks at it. */
export const MAX_GAME_NUMBER_JUMP = 1_000;

export type StateVerdict = 'adopt' | 'stale' | 'hold' | 'refuse';

interface Held {
	state: GameState;
	writer: string;
}

function isSameGame(a: GameState, b: GameState): boolean {
	return a.number === b.number && a.gameId === b.gameId;
}

/** No player twice, a drawer who plays, guessers who play. */
function makesSense(state: GameState): boolean {
	const ids = new Set(state.players.map((player) => player.id));
	return (
		ids.size === state.players.length &&
		(state.drawerId === null || ids.has(state.drawerId)) &&
		state.guessed.every((id) => ids.has(id))
	);
}

function isWithinCounters(incoming: GameState, current: GameState | undefined): boolean {
	if (current && isSameGame(incoming, current)) {
		return incoming.version <= current.version + MAX_VERSION_JUMP;
	}
	return (
		incoming.version <= MAX_VERSION_JUMP &&
		incoming.number <= (current?.number ?? 0) + MAX_GAME_NUMBER_JUMP
	);
}

export function judgeState(
	incoming: GameState,
	writer: string,
	current: GameState | undefined,
	currentWriter: string | undefined,
	present: ReadonlySet<string>
): StateVerdict {
	if (!makesSense(incoming) || !isWithinCounters(incoming, current)) return 'refuse';
	if (!isNewer(incoming, writer, current, currentWriter)) return 'stale';
	// Whoever sends a state must be its host by its own account: its starter, or the first
	// player still here. A forged state naming its sender host is caught just below.
	if (hostOf(incoming, present) !== writer) return 'refuse';
	if (!current) return 'adopt';
	if (isSameGame(incoming, current)) {
		return hostOf(current, present) === writer ? 'adopt' : 'hold';
	}
	if (current.phase === 'over') return 'adopt';
	if (incoming.number > current.number) return 'hold';
	// Two people pressed Start game at once; after the first moments a game is not replaced.
	return current.round === 1 && current.phase === 'choosing' ? 'adopt' : 'refuse';
}

/** States held until presence or a newer state makes them acceptable; one per sender. */
export class HeldStates {
	#held = new Map<string, Held>();

	hold(state: GameState, writer: string): void {
		this.#held.set(writer, { state, writer });
	}

	/** The first held state acceptable now, taken out; stale and refused ones are dropped. */
	take(
		current: GameState | undefined,
		currentWriter: string | undefined,
		present: ReadonlySet<string>
	): Held | undefined {
		for (const [writer, held] of this.#held) {
			if (!present.has(writer)) {
				this.#held.delete(writer);
				continue;
			}
			const verdict = judgeState(held.state, writer, current, currentWriter, present);
			if (verdict === 'hold') continue;
			this.#held.delete(writer);
			if (verdict === 'adopt') return held;
		}
		return undefined;
	}

	clear(): void {
		this.#held.clear();
	}
}
