/**
 * Draw and guess in this room, peer to peer over each connection's game channel; the server
 * never sees a word or a guess. Who is authoritative for what (the host for the public game
 * state and its clock, the drawer for the secret word and the judging) is set out in
 * engine.ts; this class connects the engine to the call and the board, and mirrors what it
 * knows into reactive state for the components.
 */
import { getLocale } from '../paraglide/runtime.js';
import { createContext } from 'svelte';
import type { Mesh } from '../call/mesh.svelte';
import { IgnoredSender } from '../guard/ignored.svelte';
import type { RoomSession } from '../room/session.svelte';
import type { Whiteboard } from '../whiteboard/whiteboard.svelte';
import { GameEngine } from './engine';
import { loadGame, saveGame } from './saved-game';
import {
	activePlayers,
	MIN_PLAYERS,
	type GameSettings,
	type GameState,
	type Player
} from './machine';
import type { OwnGuess } from './own-guesses';
import type { ReceivedGuess } from './secret-word';
import { languageOf } from './words';

export class Game {
	#session: RoomSession;
	#engine: GameEngine;
	#stop: (() => void)[];

	/** The public state as the host last sent it, with its end time in this device's clock. */
	state = $state.raw<GameState>();
	/** Drawer only: the three words offered, and the one chosen. */
	choices = $state.raw<string[]>([]);
	word = $state<string>();
	myGuesses = $state.raw<OwnGuess[]>([]);
	received = $state.raw<ReceivedGuess[]>([]);
	revealedWord = $state<string>();
	selfId = $state<string>();
	hasGuessedRight = $state(false);
	/** The host or the drawer, once the word is out: they may start the next round now. */
	mayEndReveal = $state(false);
	/** Someone whose game message was dropped, for a calm notice. */
	readonly ignored: IgnoredSender;

	readonly phase = $derived(this.state?.phase);
	readonly isRunning = $derived(this.state !== undefined && this.state.phase !== 'over');
	readonly isDrawer = $derived(this.selfId !== undefined && this.state?.drawerId === this.selfId);
	readonly drawer = $derived(this.#player(this.state?.drawerId));
	/** While a game runs, only the drawer draws, and only once their word is chosen. */
	readonly mayDraw = $derived(!this.isRunning || (this.isDrawer && this.phase === 'drawing'));
	/** Rounds played and still to come: everyone still here who has not drawn gets a turn. */
	readonly totalRounds = $derived.by(() => {
		const state = this.state;
		if (!state) return 0;
		const waiting = activePlayers(state).filter(
			(player) => !player.hasDrawn && player.id !== state.drawerId
		).length;
		return state.round + waiting;
	});

	constructor(session: RoomSession, mesh: Mesh, board: Whiteboard, settings?: GameSettings) {
		this.#session = session;
		this.ignored = new IgnoredSender(session);
		this.#engine = new GameEngine({
			transport: {
				send: (peerId, message) => void mesh.send(peerId, 'game', message),
				broadcast: (message) => void mesh.broadcast('game', message)
			},
			onChange: () => this.#mirror(),
			// The game is played on the board: it opens when a game starts and on your turn.
			onBoardNeeded: () => (board.isOpen = true),
			onDrawingStart: () => board.clear(),
			onIgnored: (peerId) => this.ignored.note(peerId),
			settings
		});
		this.#stop = [
			mesh.onMessage('game', (peer, data) => this.#engine.receive(peer.id, data)),
			mesh.onChannelOpen('game', (peer) => this.#engine.peerOpened(peer.id)),
			session.onPresence(() => this.#presence())
		];
		this.#presence();
		// During a round only the drawer draws and clears, on every board: they clear it as they
		// choose their word, which may reach us before the host's word that drawing began.
		board.setDrawPolicy((peerId) => {
			const state = this.#engine.state;
			if (!state || state.phase === 'over') return true;
			const isRoundOn = state.phase === 'choosing' || state.phase === 'drawing';
			return isRoundOn && peerId === state.drawerId;
		});
		this.#stop.push(() => board.setDrawPolicy(undefined));
	}

	get canStart(): boolean {
		return !this.isRunning && this.#session.people.length >= MIN_PLAYERS;
	}

	/** Starts a game in the starter's interface language, with everyone in the room. */
	start(): boolean {
		return this.#engine.start(languageOf(getLocale()));
	}

	choose(word: string): void {
		this.#engine.choose(word);
	}

	guess(text: string): boolean {
		return this.#engine.guess(text);
	}

	endReveal(): void {
		this.#engine.endReveal();
	}

	nameOf(id: string): string {
		return this.#player(id)?.name ?? this.#session.people.find((p) => p.id === id)?.name ?? '?';
	}

	dispose(): void {
		for (const stop of this.#stop) stop();
		this.#engine.dispose();
	}

	#player(id: string | null | undefined): Player | undefined {
		return id ? this.state?.players.find((player) => player.id === id) : undefined;
	}

	#presence(): void {
		const people = this.#session.people.map(({ id, name }) => ({ id, name }));
		const selfId = this.#session.self?.id;
		// Read before anything here is saved over it: a reloaded page starts with no game.
		const saved =
			selfId && !this.#engine.state ? loadGame(this.#session.roomId, selfId) : undefined;
		this.#engine.setPeople(selfId, people);
		if (saved) this.#engine.resume(saved);
	}

	#mirror(): void {
		const engine = this.#engine;
		if (engine.selfId) saveGame(this.#session.roomId, engine.selfId, engine.snapshot());
		this.state = engine.state;
		this.choices = engine.secret.choices;
		this.word = engine.secret.word;
		this.myGuesses = engine.guesses.list;
		this.received = engine.secret.received;
		this.revealedWord = engine.revealedWord;
		this.selfId = engine.selfId;
		this.hasGuessedRight = engine.hasGuessedRight;
		this.mayEndReveal = engine.mayEndReveal;
	}
}

export const [getGame, setGame] = createContext<Game>();
