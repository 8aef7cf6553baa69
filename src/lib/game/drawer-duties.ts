/**
 * The drawer's part in a round, around their secret word (secret-word.ts): offering words,
 * telling the host the chosen word's shape, judging every guess, and repeating to the host
 * what a host change may have lost.
 */
import type { EngineParts } from './engine-parts';
import { hintFor } from './guess';
import { isPlayer, type GameState, type Language } from './machine';
import { roundOf } from './outbox';

export class DrawerDuties {
	#parts: EngineParts;

	constructor(parts: EngineParts) {
		this.#parts = parts;
	}

	async offerWords(key: string, language: Language): Promise<void> {
		if (await this.#parts.secret.offer(key, language)) this.#parts.events.onChange();
	}

	choose(word: string): void {
		const { role, secret, events } = this.#parts;
		const state = role.state;
		if (!state || !role.isDrawer || state.phase !== 'choosing') return;
		if (!secret.choose(word)) return;
		this.#tellChosen(state, word);
		events.onDrawingStart?.();
		events.onChange();
	}

	judge(senderId: string, id: number, text: string): void {
		const { role, secret, outbox, events } = this.#parts;
		const state = role.state;
		// Judged from the moment a word is chosen: a guesser may hear that the round started
		// before the drawer does, when the host is someone else.
		const isRoundOn = state?.phase === 'choosing' || state?.phase === 'drawing';
		if (!state || !role.isDrawer || !isRoundOn || senderId === role.selfId) return;
		if (!isPlayer(state, senderId)) return;
		const verdict = secret.judge(senderId, text);
		if (!verdict) return;
		outbox.send(senderId, { type: 'verdict', ...roundOf(state), id, verdict });
		if (verdict === 'correct') {
			outbox.toHost({ type: 'correct', ...roundOf(state), guesserId: senderId });
		}
		events.onChange();
	}

	remindHost(): void {
		const { role, secret, outbox } = this.#parts;
		const state = role.state;
		const word = secret.word;
		if (!state || !role.isDrawer) return;
		if (state.phase === 'choosing' && word) this.#tellChosen(state, word);
		if (state.phase === 'drawing') {
			for (const guesserId of secret.correct) {
				if (!state.guessed.includes(guesserId) && isPlayer(state, guesserId)) {
					outbox.toHost({ type: 'correct', ...roundOf(state), guesserId });
				}
			}
		}
	}

	#tellChosen(state: GameState, word: string): void {
		this.#parts.outbox.toHost({ type: 'chosen', ...roundOf(state), hint: hintFor(word) });
	}
}
