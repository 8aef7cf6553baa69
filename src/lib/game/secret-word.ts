/**
 * The drawer's side of a round, on the drawer's device only: the words offered, the one
 * chosen, and the judging of every guess against it. Nothing here is ever sent as is; the
 * engine sends verdicts, the word's shape, and the word itself once the round is over.
 */
import { judgeGuess, type Verdict } from './guess';
import type { Language } from './machine';
import type { SavedSecret } from './saved-game';
import { pickWords } from './words';

export interface ReceivedGuess {
	guesserId: string;
	text: string;
	verdict: Verdict;
}

const WORD_CHOICES = 3;
const KEPT_GUESSES = 30;

export class SecretWord {
	/** The words offered this round, and the one chosen. */
	choices: string[] = [];
	word: string | undefined;
	/** Everyone's guesses this round, for the drawer to watch. */
	received: ReceivedGuess[] = [];
	/** Whose guesses were right this round. */
	readonly correct = new Set<string>();

	#round = '';
	/** Words drawn earlier in this game, not offered again while others are left. */
	#used = new Set<string>();
	#loadWords: (language: Language) => Promise<readonly string[]>;
	#random: (() => number) | undefined;

	constructor(
		loadWords: (language: Language) => Promise<readonly string[]>,
		random?: () => number
	) {
		this.#loadWords = loadWords;
		this.#random = random;
	}

	newGame(): void {
		this.#used.clear();
	}

	/** A new round (`gameId:round`) begins: whatever was secret in the last one is done. */
	newRound(round: string): void {
		this.#round = round;
		this.choices = [];
		this.word = undefined;
		this.received = [];
		this.correct.clear();
	}

	/** Draws the words to offer; false when the round moved on while the list loaded. */
	async offer(round: string, language: Language): Promise<boolean> {
		const words = await this.#loadWords(language);
		if (round !== this.#round || this.word) return false;
		this.choices = pickWords(words, WORD_CHOICES, this.#used, this.#random);
		return true;
	}

	choose(word: string): boolean {
		if (this.word || !this.choices.includes(word)) return false;
		this.word = word;
		this.#used.add(word);
		return true;
	}

	/** What a reload must not lose: the guesses received are only for watching, so they go. */
	saved(): SavedSecret {
		return {
			round: this.#round,
			choices: this.choices,
			word: this.word,
			correct: [...this.correct],
			used: [...this.#used]
		};
	}

	/** Takes back what was saved, if it is about the round now under way here. */
	restore(saved: SavedSecret): void {
		for (const word of saved.used) this.#used.add(word);
		if (saved.round !== this.#round) return;
		if (saved.word === undefined || saved.choices.includes(saved.word)) {
			this.choices = saved.choices;
			this.word = saved.word;
		}
		for (const id of saved.correct) this.correct.add(id);
	}

	/** Another drawer's word, revealed after their round, is not offered again either. */
	remember(word: string): void {
		this.#used.add(word);
	}

	/** The verdict on a guess, or undefined when there is nothing to judge it against. */
	judge(guesserId: string, text: string): Verdict | undefined {
		if (!this.word || this.correct.has(guesserId)) return undefined;
		const verdict = judgeGuess(text, this.word);
		this.received = [...this.received, { guesserId, text, verdict }].slice(-KEPT_GUESSES);
		if (verdict === 'correct') this.correct.add(guesserId);
		return verdict;
	}
}
