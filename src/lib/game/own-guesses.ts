/** The guesser's side of a round: what this player guessed and what the drawer said. */
import type { Verdict } from './guess';

export interface OwnGuess {
	id: number;
	text: string;
	verdict: Verdict | 'pending';
}

const KEPT_GUESSES = 30;

export class OwnGuesses {
	list: OwnGuess[] = [];
	/** Never reused in a game, so a late verdict cannot land on a newer guess. */
	#nextId = 1;

	get hasRight(): boolean {
		return this.list.some((guess) => guess.verdict === 'correct');
	}

	/** Keeps a guess until the drawer's verdict; returns its id for the message. */
	add(text: string): number {
		const id = this.#nextId++;
		this.list = [...this.list, { id, text, verdict: 'pending' as const }].slice(-KEPT_GUESSES);
		return id;
	}

	settle(id: number, verdict: Verdict): void {
		this.list = this.list.map((guess) => (guess.id === id ? { ...guess, verdict } : guess));
	}

	clear(): void {
		this.list = [];
	}
}
