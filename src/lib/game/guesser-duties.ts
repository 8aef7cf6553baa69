/** A guesser's part in a round: guesses go to the drawer, and the drawer's verdicts come back. */
import type { EngineParts } from './engine-parts';
import type { Verdict } from './guess';
import { roundOf } from './outbox';
import { MAX_GUESS_LENGTH } from './wire';

export class GuesserDuties {
	#parts: EngineParts;

	constructor(parts: EngineParts) {
		this.#parts = parts;
	}

	get hasGuessedRight(): boolean {
		const { role, guesses } = this.#parts;
		const selfId = role.selfId;
		return (selfId !== undefined && role.state?.guessed.includes(selfId)) || guesses.hasRight;
	}

	guess(text: string): boolean {
		const { role, guesses, outbox, events } = this.#parts;
		const state = role.state;
		const trimmed = text.trim();
		const drawerId = state?.drawerId;
		if (!state || !drawerId || state.phase !== 'drawing' || role.isDrawer) return false;
		if (!trimmed || trimmed.length > MAX_GUESS_LENGTH || this.hasGuessedRight) return false;
		const id = guesses.add(trimmed);
		outbox.send(drawerId, { type: 'guess', ...roundOf(state), id, text: trimmed });
		events.onChange();
		return true;
	}

	hearVerdict(id: number, verdict: Verdict): void {
		this.#parts.guesses.settle(id, verdict);
		this.#parts.events.onChange();
	}
}
