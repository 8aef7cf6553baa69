/**
 * The round's word, for everyone once the round is over. It travels once, from the drawer to
 * everyone, after the host's state that ended the round; once it is out, the host or the
 * drawer may end the reveal early.
 */
import type { EngineParts } from './engine-parts';
import { mayEndReveal, type GameState } from './machine';
import { roundOf } from './outbox';

function isRoundOver(state: GameState): boolean {
	return state.phase === 'round-end' || state.phase === 'over';
}

export class WordReveal {
	/** Everyone, once the round is over. */
	word: string | undefined;
	/** The word the drawer revealed for this round, before this device knew the round was over. */
	#early: string | undefined;
	#parts: EngineParts;

	constructor(parts: EngineParts) {
		this.#parts = parts;
	}

	/**
	 * Whether this device may end the reveal now (see `mayEndReveal`): only once the word has
	 * reached it, when the round had one, so that the word the others are waiting for was sent
	 * before the next round makes them drop it.
	 */
	get mayEndEarly(): boolean {
		const { role } = this.#parts;
		const { state, selfId } = role;
		if (!state || !selfId || !mayEndReveal(state, selfId, role.hostId)) return false;
		const hadWord = state.endReason !== 'no-word' && state.endReason !== 'drawer-left';
		return !hadWord || this.word !== undefined;
	}

	clear(): void {
		this.word = undefined;
		this.#early = undefined;
	}

	/** The drawer's side: once the round is over, the word goes to everyone. */
	sendIfOver(): void {
		const { role, secret, outbox } = this.#parts;
		const state = role.state;
		const word = secret.word;
		if (!state || !role.isDrawer || !word || this.word) return;
		if (!isRoundOver(state)) return;
		this.word = word;
		outbox.broadcast({ type: 'reveal', ...roundOf(state), word });
	}

	/**
	 * From the drawer, it can overtake the host's state that ended the round: kept until that
	 * state arrives, and shown only then.
	 */
	hear(word: string): void {
		this.#early = word;
		this.showIfOver();
	}

	showIfOver(): void {
		const { role, secret, events } = this.#parts;
		const state = role.state;
		const word = this.#early;
		if (!state || !word || !isRoundOver(state)) return;
		this.#early = undefined;
		this.word = word;
		secret.remember(word);
		events.onChange();
	}
}
