/**
 * Draw and guess as a state machine: pure functions from one game state to the next, run by
 * whichever peer is the host (see game-engine.ts for who that is). Every transition returns
 * a new state with a higher version, so peers can tell a newer state from an older one.
 *
 * A game is a series of rounds. Each round one player draws: first they choose a word
 * ('choosing'), then the others guess while they draw ('drawing'), then everyone sees the word
 * and the scores for a moment ('round-end'). Turns go through the players in order, each
 * drawing once; a player who joins mid-game is added at the end of the order. When everyone
 * still here has drawn, or fewer than two players remain, the game is 'over'.
 */
export type Language = 'en' | 'ko';
export type Phase = 'choosing' | 'drawing' | 'round-end' | 'over';
export type EndReason =
	'all-guessed' | 'time' | 'drawer-left' | 'no-word' | 'everyone-drew' | 'too-few-players';

export interface Player {
	id: string;
	name: string;
	score: number;
	hasDrawn: boolean;
	/** Left the room: out of the rotation, but their points stay on the scoreboard. */
	hasLeft: boolean;
}

export interface GameSettings {
	/** How long the drawer has to pick a word before the turn passes. */
	chooseMs: number;
	/** How long the others have to guess. */
	roundMs: number;
	/** How long the word and the scores show between rounds. */
	revealMs: number;
}

export const DEFAULT_SETTINGS: GameSettings = {
	chooseMs: 20_000,
	roundMs: 80_000,
	revealMs: 6_000
};
export const MIN_PLAYERS = 2;
/** What a guess right at the end earns, and what the fastest guess adds on top. */
export const BASE_GUESS_POINTS = 50;
export const SPEED_GUESS_POINTS = 50;
/** What the drawer earns for each person who guesses their drawing. */
export const DRAWER_POINTS = 25;

export interface GameState {
	/** Counts games in this room, so a newly started game replaces one a peer missed the end of. */
	number: number;
	gameId: string;
	version: number;
	language: Language;
	phase: Phase;
	round: number;
	drawerId: string | null;
	players: Player[];
	/** Who guessed the word this round, in the order they did. */
	guessed: string[];
	/** Letters per word of the secret ("ice cream" → [3, 5]), public once the drawer chose. */
	hint: number[] | null;
	/** When the phase ends, in the clock of the device holding this copy (0 when over). */
	endsAt: number;
	endReason: EndReason | null;
	settings: GameSettings;
}

export interface NewGame {
	number: number;
	gameId: string;
	language: Language;
	/** In turn order: whoever starts the game draws first. */
	people: { id: string; name: string }[];
	settings: GameSettings;
	now: number;
}

export function startGame(game: NewGame): GameState | undefined {
	const [first] = game.people;
	if (!first || game.people.length < MIN_PLAYERS) return undefined;
	return {
		number: game.number,
		gameId: game.gameId,
		version: 1,
		language: game.language,
		phase: 'choosing',
		round: 1,
		drawerId: first.id,
		players: game.people.map(({ id, name }) => ({
			id,
			name,
			score: 0,
			hasDrawn: false,
			hasLeft: false
		})),
		guessed: [],
		hint: null,
		endsAt: game.now + game.settings.chooseMs,
		endReason: null,
		settings: game.settings
	};
}

export function activePlayers(state: GameState): Player[] {
	return state.players.filter((player) => !player.hasLeft);
}

/** Everyone who should be guessing this round. */
export function guessers(state: GameState): Player[] {
	return activePlayers(state).filter((player) => player.id !== state.drawerId);
}

export function isPlayer(state: GameState, id: string): boolean {
	return state.players.some((player) => player.id === id && !player.hasLeft);
}

/** The drawer picked a word: the round's clock starts. */
export function chooseWord(state: GameState, hint: number[], now: number): GameState {
	if (state.phase !== 'choosing') return state;
	return next(state, {
		phase: 'drawing',
		hint,
		guessed: [],
		endsAt: now + state.settings.roundMs
	});
}

/** Points for a correct guess with `remainingMs` left: more for faster. */
export function guessPoints(remainingMs: number, roundMs: number): number {
	const share = Math.min(1, Math.max(0, remainingMs / roundMs));
	return BASE_GUESS_POINTS + Math.round(SPEED_GUESS_POINTS * share);
}

/** The drawer judged this guesser right: both score, and the round ends once all have. */
export function scoreGuess(state: GameState, guesserId: string, now: number): GameState {
	const isGuesser = guessers(state).some((player) => player.id === guesserId);
	if (state.phase !== 'drawing' || !isGuesser || state.guessed.includes(guesserId)) return state;
	const points = guessPoints(state.endsAt - now, state.settings.roundMs);
	const scored = next(state, {
		guessed: [...state.guessed, guesserId],
		players: state.players.map((player) =>
			player.id === guesserId
				? { ...player, score: player.score + points }
				: player.id === state.drawerId
					? { ...player, score: player.score + DRAWER_POINTS }
					: player
		)
	});
	return everyoneGuessed(scored) ? endRound(scored, 'all-guessed', now) : scored;
}

function everyoneGuessed(state: GameState): boolean {
	return guessers(state).every((player) => state.guessed.includes(player.id));
}

export function endRound(state: GameState, reason: EndReason, now: number): GameState {
	if (state.phase !== 'choosing' && state.phase !== 'drawing') return state;
	return next(state, {
		phase: 'round-end',
		endReason: reason,
		endsAt: now + state.settings.revealMs,
		players: state.players.map((player) =>
			player.id === state.drawerId ? { ...player, hasDrawn: true } : player
		)
	});
}

/** The next player who has not drawn yet takes a turn; when there is none, the game is over. */
export function nextRound(state: GameState, now: number): GameState {
	if (state.phase !== 'round-end') return state;
	const drawer = state.players.find((player) => !player.hasDrawn && !player.hasLeft);
	if (!drawer) return over(state, 'everyone-drew');
	return next(state, {
		phase: 'choosing',
		round: state.round + 1,
		drawerId: drawer.id,
		guessed: [],
		hint: null,
		endReason: null,
		endsAt: now + state.settings.chooseMs
	});
}

/**
 * Who may end the reveal before its time: the host, who keeps the clock, and the drawer whose
 * round it was, who knows when everyone has seen their drawing. Nobody else can hurry a round.
 */
export function mayEndReveal(
	state: GameState,
	personId: string,
	hostId: string | undefined
): boolean {
	return state.phase === 'round-end' && (personId === hostId || personId === state.drawerId);
}

/** What happens when the current phase's time is up. */
export function timeUp(state: GameState, now: number): GameState {
	if (now < state.endsAt) return state;
	switch (state.phase) {
		case 'choosing':
			return endRound(state, 'no-word', now);
		case 'drawing':
			return endRound(state, 'time', now);
		case 'round-end':
			return nextRound(state, now);
		case 'over':
			return state;
	}
}

export function addPlayer(state: GameState, person: { id: string; name: string }): GameState {
	if (state.phase === 'over' || state.players.some((player) => player.id === person.id)) {
		return state;
	}
	const player: Player = { ...person, score: 0, hasDrawn: false, hasLeft: false };
	return next(state, { players: [...state.players, player] });
}

/** A player left: out of the rotation; a drawer who leaves ends their round. */
export function removePlayer(state: GameState, id: string, now: number): GameState {
	if (!isPlayer(state, id) || state.phase === 'over') return state;
	const left = next(state, {
		players: state.players.map((player) =>
			player.id === id ? { ...player, hasLeft: true } : player
		),
		guessed: state.guessed.filter((guesserId) => guesserId !== id)
	});
	if (activePlayers(left).length < MIN_PLAYERS) return over(left, 'too-few-players');
	const isRoundOn = left.phase === 'choosing' || left.phase === 'drawing';
	if (isRoundOn && id === left.drawerId) return endRound(left, 'drawer-left', now);
	if (left.phase === 'drawing' && everyoneGuessed(left)) return endRound(left, 'all-guessed', now);
	return left;
}

/** Brings the players in line with who is in the room now: leavers out, newcomers in. */
export function matchPresence(
	state: GameState,
	people: readonly { id: string; name: string }[],
	now: number
): GameState {
	const present = new Set(people.map((person) => person.id));
	let next = state;
	for (const player of state.players) {
		if (!present.has(player.id)) next = removePlayer(next, player.id, now);
	}
	for (const person of people) next = addPlayer(next, person);
	return next;
}

function over(state: GameState, reason: EndReason): GameState {
	return next(state, { phase: 'over', endReason: reason, endsAt: 0 });
}

/** The players still here with the most points; several when they tie. */
export function winners(state: GameState): Player[] {
	const active = activePlayers(state);
	const best = Math.max(...active.map((player) => player.score));
	return active.filter((player) => player.score === best);
}

/** Highest score first; ties keep turn order. */
export function ranking(state: GameState): Player[] {
	return [...state.players].sort((a, b) => b.score - a.score);
}

/**
 * The host: the first player in turn order who is still here, which is whoever started the
 * game until they leave. Every peer works it out alike from the same state and presence, so
 * the next one takes over the moment a host leaves. (Not the lowest id: a late joiner is
 * never made host before their connection is known to work.)
 */
export function hostOf(state: GameState, presentIds: ReadonlySet<string>): string | undefined {
	return activePlayers(state).find((player) => presentIds.has(player.id))?.id;
}

/** Whether `incoming` should replace `current`: a later game, or a later version of this one. */
export function isNewer(
	incoming: GameState,
	incomingWriter: string,
	current: GameState | undefined,
	currentWriter: string | undefined
): boolean {
	if (!current) return true;
	if (incoming.number !== current.number) return incoming.number > current.number;
	// Two people pressed Start game at once: the smaller game id wins, everywhere.
	if (incoming.gameId !== current.gameId) return incoming.gameId < current.gameId;
	if (incoming.version !== current.version) return incoming.version > current.version;
	return currentWriter === undefined || incomingWriter < currentWriter;
}

function next(state: GameState, changes: Partial<GameState>): GameState {
	return { ...state, ...changes, version: state.version + 1 };
}
