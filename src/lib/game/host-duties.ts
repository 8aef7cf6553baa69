/**
 * The host's part: starting a game (whoever starts one is its first host), keeping the players
 * in line with who is in the room, keeping the phase's clock, and acting on the drawer's news.
 * Every change goes through `commit`, which sends the new state to everyone before this device
 * takes it.
 */
import { randomId } from '../random-id';
import type { OwnRole } from './engine-parts';
import {
	chooseWord,
	DEFAULT_SETTINGS,
	matchPresence,
	nextRound,
	scoreGuess,
	startGame,
	timeUp,
	type GameSettings,
	type GameState,
	type Language
} from './machine';
import type { GameWire } from './wire';

type DrawerNews = Extract<GameWire, { type: 'chosen' | 'correct' | 'next' }>;

export class HostDuties {
	#role: OwnRole;
	#commit: (next: GameState) => void;
	#options: { settings?: GameSettings };
	#timer: ReturnType<typeof setTimeout> | undefined;

	constructor(
		role: OwnRole,
		commit: (next: GameState) => void,
		options: { settings?: GameSettings }
	) {
		this.#role = role;
		this.#commit = commit;
		this.#options = options;
	}

	/** Starts a game with everyone in the room, this device drawing first. */
	start(people: readonly { id: string; name: string }[], language: Language): boolean {
		const selfId = this.#role.selfId;
		const self = people.find((person) => person.id === selfId);
		if (!self || this.#role.isRunning) return false;
		const state = startGame({
			number: (this.#role.state?.number ?? 0) + 1,
			gameId: randomId(),
			language,
			people: [self, ...people.filter((person) => person !== self)],
			settings: this.#options.settings ?? DEFAULT_SETTINGS,
			now: Date.now()
		});
		if (!state) return false;
		this.#commit(state);
		return true;
	}

	/** Brings the players in line with who is in the room; true when that changed the state. */
	matchPresence(people: readonly { id: string; name: string }[]): boolean {
		const state = this.#role.state;
		if (!state || !this.#role.isHost) return false;
		const next = matchPresence(state, people, Date.now());
		if (next === state) return false;
		this.#commit(next);
		return true;
	}

	armClock(): void {
		this.stopClock();
		const state = this.#role.state;
		if (!state || !this.#role.isHost || state.phase === 'over') return;
		this.#timer = setTimeout(
			() => {
				const current = this.#role.state;
				if (!current || !this.#role.isHost) return;
				const next = timeUp(current, Date.now());
				if (next === current) this.armClock();
				else this.#commit(next);
			},
			Math.max(0, state.endsAt - Date.now())
		);
	}

	stopClock(): void {
		clearTimeout(this.#timer);
		this.#timer = undefined;
	}

	takeNews(state: GameState, news: DrawerNews): void {
		if (news.type === 'chosen') this.#commit(chooseWord(state, news.hint, Date.now()));
		else if (news.type === 'correct') this.#commit(scoreGuess(state, news.guesserId, Date.now()));
		else this.endReveal(state);
	}

	endReveal(state: GameState): void {
		this.#commit(nextRound(state, Date.now()));
	}
}
