/**
 * Draw and guess between peers, one engine per device. Who decides what:
 *
 * - The host decides the public game state: who plays, whose turn it is, the phase and its
 *   clock, and the scores. The host is the first player in turn order still in the room
 *   (`hostOf`), so whoever started the game until they leave; everyone works it out alike,
 *   and the next player takes over with their copy of the state when a host leaves. Only the
 *   host runs timers and changes the state, then sends all of it to everyone.
 * - The drawer decides everything about the secret word: they draw three words from the list
 *   on their own device, choose one, and judge every guess. Guessers send guesses to the
 *   drawer only; the drawer answers "close" to that guesser only and tells the host who got
 *   it right. The host learns only the word's shape (letters per word) for the hint. The word
 *   itself travels once, from the drawer to everyone, after the round ends.
 * - Starting a game is the one thing anyone may do: the starter sends the first state.
 * - Once the word is out, the host or that round's drawer may start the next round before
 *   the reveal's time is up; the drawer asks the host, who alone changes the state.
 *
 * Messages can cross a host change, so the drawer repeats "chosen" and "correct" whenever a
 * state shows the host has not taken them in yet; the host ignores what it already has.
 * Every receiver holds everyone to this (authority.ts): a state from anyone but the host, or
 * a move from anyone but the player whose move it is, is dropped.
 */
import { randomId } from '../random-id';
import { HeldStates, judgeState } from './authority';
import { hintFor } from './guess';
import {
	chooseWord,
	DEFAULT_SETTINGS,
	hostOf,
	isPlayer,
	matchPresence,
	mayEndReveal,
	nextRound,
	scoreGuess,
	startGame,
	timeUp,
	type GameSettings,
	type GameState,
	type Language
} from './machine';
import { MAX_GUESS_LENGTH, parseGameWire, stateFromWire, stateToWire, type GameWire } from './wire';
import { OwnGuesses } from './own-guesses';
import type { GameSnapshot } from './saved-game';
import { SecretWord } from './secret-word';
import { loadWords } from './words';

export interface GameTransport {
	send(peerId: string, message: string): void;
	broadcast(message: string): void;
}

export interface GameEngineOptions {
	transport: GameTransport;
	/** Called after anything a player could see changed. */
	onChange: () => void;
	/** A game began, or this device's turn to draw came: the board should be showing. */
	onBoardNeeded?: () => void;
	/** This device's drawer chose a word: their round starts on a clean board. */
	onDrawingStart?: () => void;
	/** A peer sent something no honest device sends: the person may be told. */
	onIgnored?: (peerId: string) => void;
	settings?: GameSettings;
	loadWords?: (language: Language) => Promise<readonly string[]>;
	random?: () => number;
}

export class GameEngine {
	state: GameState | undefined;
	/** Drawer only: the word and the judging (see secret-word.ts). */
	readonly secret: SecretWord;
	/** Guesser only: what I guessed this round and what the drawer said. */
	readonly guesses = new OwnGuesses();
	/** Everyone, once the round is over. */
	revealedWord: string | undefined;

	#options: GameEngineOptions;
	#selfId: string | undefined;
	#people: { id: string; name: string }[] = [];
	#present = new Set<string>();
	/** Who sent the state we hold; breaks ties between equal versions. */
	#writer: string | undefined;
	#held = new HeldStates();
	#timer: ReturnType<typeof setTimeout> | undefined;
	/** `gameId:round` that the secret and the guesses belong to. */
	#roundKey = '';
	/** The word the drawer revealed for this round, before this device knew the round was over. */
	#earlyWord: string | undefined;

	constructor(options: GameEngineOptions) {
		this.#options = options;
		this.secret = new SecretWord(options.loadWords ?? loadWords, options.random);
	}

	get selfId(): string | undefined {
		return this.#selfId;
	}

	get hostId(): string | undefined {
		return this.state && hostOf(this.state, this.#present);
	}

	get isHost(): boolean {
		return this.#selfId !== undefined && this.hostId === this.#selfId;
	}

	get isDrawer(): boolean {
		return this.#selfId !== undefined && this.state?.drawerId === this.#selfId;
	}

	get isRunning(): boolean {
		return this.state !== undefined && this.state.phase !== 'over';
	}

	/** Everyone in the room now, this device included, in the order they came. */
	setPeople(selfId: string | undefined, people: { id: string; name: string }[]): void {
		// Back under a new id (left and joined again): to the room that is someone new, and
		// whatever this device remembers of the game was about someone else.
		if (this.#selfId !== undefined && selfId !== this.#selfId) this.#forget();
		this.#selfId = selfId;
		this.#people = people;
		this.#present = new Set(people.map((person) => person.id));
		if (this.#adoptHeld()) return;
		this.#settle();
	}

	/** Starts a game with everyone in the room, this device drawing first. */
	start(language: Language): boolean {
		const selfId = this.#selfId;
		const self = this.#people.find((person) => person.id === selfId);
		if (!self || this.isRunning) return false;
		const state = startGame({
			number: (this.state?.number ?? 0) + 1,
			gameId: randomId(),
			language,
			people: [self, ...this.#people.filter((person) => person !== self)],
			settings: this.#options.settings ?? DEFAULT_SETTINGS,
			now: Date.now()
		});
		if (!state) return false;
		this.#commit(state);
		return true;
	}

	/** The drawer picks one of the offered words. */
	choose(word: string): void {
		const state = this.state;
		if (!state || !this.isDrawer || state.phase !== 'choosing') return;
		if (!this.secret.choose(word)) return;
		this.#toHost({ type: 'chosen', ...this.#round(state), hint: hintFor(word) });
		this.#options.onDrawingStart?.();
		this.#options.onChange();
	}

	/** Sends a guess to the drawer; false when there is nothing to send or no one to judge it. */
	guess(text: string): boolean {
		const state = this.state;
		const trimmed = text.trim();
		const drawerId = state?.drawerId;
		if (!state || !drawerId || state.phase !== 'drawing' || this.isDrawer) return false;
		if (!trimmed || trimmed.length > MAX_GUESS_LENGTH || this.hasGuessedRight) return false;
		const id = this.guesses.add(trimmed);
		this.#send(drawerId, { type: 'guess', ...this.#round(state), id, text: trimmed });
		this.#options.onChange();
		return true;
	}

	/**
	 * Whether this device may end the reveal now (see `mayEndReveal`): only once the word has
	 * reached it, when the round had one, so that the word the others are waiting for was sent
	 * before the next round makes them drop it.
	 */
	get mayEndReveal(): boolean {
		const { state } = this;
		if (!state || !this.#selfId || !mayEndReveal(state, this.#selfId, this.hostId)) return false;
		const hadWord = state.endReason !== 'no-word' && state.endReason !== 'drawer-left';
		return !hadWord || this.revealedWord !== undefined;
	}

	/** The host or the drawer ends the reveal early: the next turn starts, or the game ends. */
	endReveal(): void {
		const state = this.state;
		if (!state || !this.mayEndReveal) return;
		if (this.isHost) this.#commit(nextRound(state, Date.now()));
		else this.#toHost({ type: 'next', ...this.#round(state) });
	}

	get hasGuessedRight(): boolean {
		const selfId = this.#selfId;
		return (selfId !== undefined && this.state?.guessed.includes(selfId)) || this.guesses.hasRight;
	}

	/** What this device holds of the game, for a reload to pick up (saved-game.ts). */
	snapshot(): GameSnapshot | undefined {
		const { state } = this;
		if (!state || !this.#writer) return undefined;
		return { state, writer: this.#writer, secret: this.secret.saved() };
	}

	/**
	 * After a reload, before anyone has sent this page a state: takes back what it held. A host
	 * needs its own copy, since no one else may send the state; a drawer needs the word.
	 */
	resume(snapshot: GameSnapshot): void {
		if (this.state || !this.#selfId) return;
		this.#adopt(snapshot.state, snapshot.writer);
		this.secret.restore(snapshot.secret);
		this.#options.onChange();
	}

	/** A game channel opened: the host brings that person up to date. */
	peerOpened(peerId: string): void {
		if (this.isHost && this.state) this.#send(peerId, this.#stateWire(this.state));
	}

	receive(senderId: string, data: string): void {
		const wire = parseGameWire(data);
		const state = this.state;
		if (!wire) return this.#options.onIgnored?.(senderId);
		if (wire.type === 'state') {
			const incoming = stateFromWire(wire.state, Date.now());
			const verdict = judgeState(incoming, senderId, state, this.#writer, this.#present);
			if (verdict === 'adopt') this.#adopt(incoming, senderId);
			else if (verdict === 'hold') this.#held.hold(incoming, senderId);
			else if (verdict === 'refuse') this.#options.onIgnored?.(senderId);
			return;
		}
		if (!state || wire.gameId !== state.gameId || wire.round !== state.round) return;
		const isFromDrawer = senderId === state.drawerId;
		switch (wire.type) {
			case 'chosen':
				if (this.isHost && isFromDrawer) this.#commit(chooseWord(state, wire.hint, Date.now()));
				break;
			case 'correct':
				if (this.isHost && isFromDrawer) {
					this.#commit(scoreGuess(state, wire.guesserId, Date.now()));
				}
				break;
			case 'next':
				if (this.isHost && isFromDrawer) this.#commit(nextRound(state, Date.now()));
				break;
			case 'guess':
				this.#judge(senderId, wire.id, wire.text);
				break;
			case 'verdict':
				if (!isFromDrawer) break;
				this.guesses.settle(wire.id, wire.verdict);
				this.#options.onChange();
				break;
			case 'reveal':
				if (!isFromDrawer) break;
				// From the drawer, it can overtake the host's state that ended the round: kept
				// until that state arrives, and shown only then.
				this.#earlyWord = wire.word;
				this.#showRevealedWord();
				break;
		}
	}

	dispose(): void {
		clearTimeout(this.#timer);
		this.#timer = undefined;
	}

	#forget(): void {
		this.dispose();
		this.state = undefined;
		this.#writer = undefined;
		this.#held.clear();
		this.#roundKey = '';
		this.secret.newGame();
		this.secret.newRound('');
		this.guesses.clear();
		this.revealedWord = undefined;
		this.#earlyWord = undefined;
	}

	#judge(senderId: string, id: number, text: string): void {
		const state = this.state;
		// Judged from the moment a word is chosen: a guesser may hear that the round started
		// before the drawer does, when the host is someone else.
		const isRoundOn = state?.phase === 'choosing' || state?.phase === 'drawing';
		if (!state || !this.isDrawer || !isRoundOn || senderId === this.#selfId) return;
		if (!isPlayer(state, senderId)) return;
		const verdict = this.secret.judge(senderId, text);
		if (!verdict) return;
		this.#send(senderId, { type: 'verdict', ...this.#round(state), id, verdict });
		if (verdict === 'correct') {
			this.#toHost({ type: 'correct', ...this.#round(state), guesserId: senderId });
		}
		this.#options.onChange();
	}

	/** Takes a state as ours, from the host, from a starter, or made here as host. */
	#adopt(state: GameState, writer: string): void {
		const previous = this.state;
		this.state = state;
		this.#writer = writer;
		if (previous?.number !== state.number || previous.gameId !== state.gameId) {
			this.secret.newGame();
			// A newcomer also hears of a game that already ended; that one needs no board.
			if (state.phase !== 'over') this.#options.onBoardNeeded?.();
		}
		const key = `${state.gameId}:${state.round}`;
		if (key !== this.#roundKey) {
			this.#roundKey = key;
			this.secret.newRound(key);
			this.guesses.clear();
			this.revealedWord = undefined;
			this.#earlyWord = undefined;
			if (this.isDrawer && state.phase === 'choosing') {
				void this.#offerWords(key, state.language);
				this.#options.onBoardNeeded?.();
			}
		}
		if (this.#adoptHeld()) return;
		this.#settle();
	}

	/** A held state that is acceptable now (see authority.ts) is taken; true if one was. */
	#adoptHeld(): boolean {
		const held = this.#held.take(this.state, this.#writer, this.#present);
		if (held) this.#adopt(held.state, held.writer);
		return held !== undefined;
	}

	/**
	 * The host's own change (or a new game): everyone gets it before anything that follows
	 * from it here, such as the drawer's reveal, which peers accept only after the round ended.
	 */
	#commit(next: GameState): void {
		if (next === this.state || !this.#selfId) return;
		this.#broadcast({ type: 'state', state: stateToWire(next, Date.now()) });
		this.#adopt(next, this.#selfId);
	}

	/**
	 * After any change of state or presence: the host brings the players in line with who is
	 * in the room and keeps the clock; the drawer makes sure the host has their news.
	 */
	#settle(): void {
		const state = this.state;
		if (state && this.isHost) {
			const next = matchPresence(state, this.#people, Date.now());
			if (next !== state) return this.#commit(next);
		}
		this.#armTimer();
		this.#remindHost();
		this.#revealIfOver();
		this.#showRevealedWord();
		this.#options.onChange();
	}

	#armTimer(): void {
		clearTimeout(this.#timer);
		this.#timer = undefined;
		const state = this.state;
		if (!state || !this.isHost || state.phase === 'over') return;
		this.#timer = setTimeout(
			() => {
				const current = this.state;
				if (!current || !this.isHost) return;
				const next = timeUp(current, Date.now());
				if (next === current) this.#armTimer();
				else this.#commit(next);
			},
			Math.max(0, state.endsAt - Date.now())
		);
	}

	#remindHost(): void {
		const state = this.state;
		const word = this.secret.word;
		if (!state || !this.isDrawer) return;
		if (state.phase === 'choosing' && word) {
			this.#toHost({ type: 'chosen', ...this.#round(state), hint: hintFor(word) });
		}
		if (state.phase === 'drawing') {
			for (const guesserId of this.secret.correct) {
				if (!state.guessed.includes(guesserId) && isPlayer(state, guesserId)) {
					this.#toHost({ type: 'correct', ...this.#round(state), guesserId });
				}
			}
		}
	}

	#revealIfOver(): void {
		const state = this.state;
		const word = this.secret.word;
		if (!state || !this.isDrawer || !word || this.revealedWord) return;
		if (state.phase !== 'round-end' && state.phase !== 'over') return;
		this.revealedWord = word;
		this.#broadcast({ type: 'reveal', ...this.#round(state), word });
	}

	#showRevealedWord(): void {
		const state = this.state;
		const word = this.#earlyWord;
		if (!state || !word || (state.phase !== 'round-end' && state.phase !== 'over')) return;
		this.#earlyWord = undefined;
		this.revealedWord = word;
		this.secret.remember(word);
		this.#options.onChange();
	}

	async #offerWords(key: string, language: Language): Promise<void> {
		if (await this.secret.offer(key, language)) this.#options.onChange();
	}

	#round(state: GameState): { gameId: string; round: number } {
		return { gameId: state.gameId, round: state.round };
	}

	#toHost(wire: GameWire): void {
		const hostId = this.hostId;
		if (!hostId) return;
		if (hostId === this.#selfId) {
			// Handled as a message from ourselves, after what we are doing now has finished.
			const selfId = hostId;
			queueMicrotask(() => this.receive(selfId, JSON.stringify(wire)));
		} else {
			this.#send(hostId, wire);
		}
	}

	#stateWire(state: GameState): GameWire {
		return { type: 'state', state: stateToWire(state, Date.now()) };
	}

	#send(peerId: string, wire: GameWire): void {
		this.#options.transport.send(peerId, JSON.stringify(wire));
	}

	#broadcast(wire: GameWire): void {
		this.#options.transport.broadcast(JSON.stringify(wire));
	}
}
