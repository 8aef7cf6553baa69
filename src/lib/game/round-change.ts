/**
 * What starts afresh when the game or the round changes: the words already drawn in a game;
 * a round's secret, guesses and revealed word. A new game and a drawer's turn also bring up
 * the board.
 */
import type { DrawerDuties } from './drawer-duties';
import type { EngineParts } from './engine-parts';
import type { GameState } from './machine';
import type { WordReveal } from './word-reveal';

export class RoundChange {
	#parts: EngineParts;
	#drawer: DrawerDuties;
	#reveal: WordReveal;
	/** `gameId:round` that the secret and the guesses belong to. */
	#roundKey = '';

	constructor(parts: EngineParts, drawer: DrawerDuties, reveal: WordReveal) {
		this.#parts = parts;
		this.#drawer = drawer;
		this.#reveal = reveal;
	}

	/** The state this device holds went from `previous` to `state`. */
	follow(previous: GameState | undefined, state: GameState): void {
		const { role, secret, guesses, events } = this.#parts;
		if (previous?.number !== state.number || previous.gameId !== state.gameId) {
			secret.newGame();
			// A newcomer also hears of a game that already ended; that one needs no board.
			if (state.phase !== 'over') events.onBoardNeeded?.();
		}
		const key = `${state.gameId}:${state.round}`;
		if (key === this.#roundKey) return;
		this.#roundKey = key;
		secret.newRound(key);
		guesses.clear();
		this.#reveal.clear();
		if (role.isDrawer && state.phase === 'choosing') {
			void this.#drawer.offerWords(key, state.language);
			events.onBoardNeeded?.();
		}
	}

	/** This device holds no game any more. */
	forget(): void {
		const { secret, guesses } = this.#parts;
		this.#roundKey = '';
		secret.newGame();
		secret.newRound('');
		guesses.clear();
		this.#reveal.clear();
	}
}
