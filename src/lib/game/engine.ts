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
 *
 * This file takes states in and passes each move on to its part: host-duties.ts,
 * drawer-duties.ts, guesser-duties.ts and word-reveal.ts; round-change.ts starts each game and
 * round afresh, and every message leaves through outbox.ts.
 */
import { HeldStates, judgeState } from './authority';
import { DrawerDuties } from './drawer-duties';
import type { EngineEvents } from './engine-parts';
import { GuesserDuties } from './guesser-duties';
import { HostDuties } from './host-duties';
import { hostOf, type GameSettings, type GameState, type Language } from './machine';
import { GameOutbox, roundOf, type GameTransport } from './outbox';
import { OwnGuesses } from './own-guesses';
import { RoundChange } from './round-change';
import type { GameSnapshot } from './saved-game';
import { SecretWord } from './secret-word';
import { parseGameWire, stateFromWire } from './wire';
import { WordReveal } from './word-reveal';
import { loadWords } from './words';

export interface GameEngineOptions extends EngineEvents {
	transport: GameTransport;
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

	#options: GameEngineOptions;
	#selfId: string | undefined;
	#people: { id: string; name: string }[] = [];
	#present = new Set<string>();
	/** Who sent the state we hold; breaks ties between equal versions. */
	#writer: string | undefined;
	#held = new HeldStates();
	#outbox: GameOutbox;
	#host: HostDuties;
	#drawer: DrawerDuties;
	#guesser: GuesserDuties;
	#reveal: WordReveal;
	#roundChange: RoundChange;

	constructor(options: GameEngineOptions) {
		this.#options = options;
		this.secret = new SecretWord(options.loadWords ?? loadWords, options.random);
		this.#outbox = new GameOutbox(options.transport, this, (selfId, data) =>
			this.receive(selfId, data)
		);
		const parts = {
			role: this,
			secret: this.secret,
			guesses: this.guesses,
			outbox: this.#outbox,
			events: options
		};
		this.#host = new HostDuties(this, (next) => this.#commit(next), options);
		this.#drawer = new DrawerDuties(parts);
		this.#guesser = new GuesserDuties(parts);
		this.#reveal = new WordReveal(parts);
		this.#roundChange = new RoundChange(parts, this.#drawer, this.#reveal);
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

	/** Everyone, once the round is over. */
	get revealedWord(): string | undefined {
		return this.#reveal.word;
	}

	get hasGuessedRight(): boolean {
		return this.#guesser.hasGuessedRight;
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
		return this.#host.start(this.#people, language);
	}

	/** The drawer picks one of the offered words. */
	choose(word: string): void {
		this.#drawer.choose(word);
	}

	/** Sends a guess to the drawer; false when there is nothing to send or no one to judge it. */
	guess(text: string): boolean {
		return this.#guesser.guess(text);
	}

	/** See word-reveal.ts. */
	get mayEndReveal(): boolean {
		return this.#reveal.mayEndEarly;
	}

	/** The host or the drawer ends the reveal early: the next turn starts, or the game ends. */
	endReveal(): void {
		const state = this.state;
		if (!state || !this.mayEndReveal) return;
		if (this.isHost) this.#host.endReveal(state);
		else this.#outbox.toHost({ type: 'next', ...roundOf(state) });
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
		if (this.isHost && this.state) this.#outbox.sendState(peerId, this.state);
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
			case 'correct':
			case 'next':
				if (this.isHost && isFromDrawer) this.#host.takeNews(state, wire);
				break;
			case 'guess':
				this.#drawer.judge(senderId, wire.id, wire.text);
				break;
			case 'verdict':
				if (isFromDrawer) this.#guesser.hearVerdict(wire.id, wire.verdict);
				break;
			case 'reveal':
				if (isFromDrawer) this.#reveal.hear(wire.word);
				break;
		}
	}

	dispose(): void {
		this.#host.stopClock();
	}

	#forget(): void {
		this.dispose();
		this.state = undefined;
		this.#writer = undefined;
		this.#held.clear();
		this.#roundChange.forget();
	}

	/** Takes a state as ours, from the host, from a starter, or made here as host. */
	#adopt(state: GameState, writer: string): void {
		const previous = this.state;
		this.state = state;
		this.#writer = writer;
		this.#roundChange.follow(previous, state);
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
		this.#outbox.broadcastState(next);
		this.#adopt(next, this.#selfId);
	}

	/**
	 * After any change of state or presence: the host brings the players in line with who is
	 * in the room and keeps the clock; the drawer makes sure the host has their news.
	 */
	#settle(): void {
		if (this.#host.matchPresence(this.#people)) return;
		this.#host.armClock();
		this.#drawer.remindHost();
		this.#reveal.sendIfOver();
		this.#reveal.showIfOver();
		this.#options.onChange();
	}
}
