import { describe, expect, it } from 'vitest';
import {
	addPlayer,
	chooseWord,
	DRAWER_POINTS,
	guessPoints,
	hostOf,
	isNewer,
	matchPresence,
	mayEndReveal,
	nextRound,
	ranking,
	removePlayer,
	scoreGuess,
	startGame,
	timeUp,
	winners,
	type GameSettings,
	type GameState
} from '../../src/lib/game/machine';

const settings: GameSettings = { chooseMs: 20_000, roundMs: 80_000, revealMs: 5_000 };
const people = ['ana', 'bo', 'chul'].map((name) => ({ id: name, name }));

function newGame(names = people, now = 0): GameState {
	const state = startGame({
		number: 1,
		gameId: 'game0001',
		language: 'en',
		people: names,
		settings,
		now
	});
	if (!state) throw new Error('no game');
	return state;
}

/** Plays the current round: the drawer chooses at `now`, then these people guess right. */
function playRound(state: GameState, now: number, right: string[], guessAt = now + 1000) {
	let next = chooseWord(state, [5], now);
	for (const id of right) next = scoreGuess(next, id, guessAt);
	return next;
}

const scores = (state: GameState) =>
	Object.fromEntries(state.players.map((player) => [player.id, player.score]));

describe('starting', () => {
	it('puts the starter first to draw, with everyone at zero', () => {
		const state = newGame();
		expect(state).toMatchObject({ phase: 'choosing', round: 1, drawerId: 'ana', version: 1 });
		expect(state.players.map((player) => player.id)).toEqual(['ana', 'bo', 'chul']);
		expect(scores(state)).toEqual({ ana: 0, bo: 0, chul: 0 });
		expect(state.endsAt).toBe(settings.chooseMs);
	});

	it('needs two people', () => {
		expect(
			startGame({ number: 1, gameId: 'g', language: 'en', people: [people[0]!], settings, now: 0 })
		).toBeUndefined();
	});
});

describe('turn rotation', () => {
	it('gives everyone one turn in order, then ends the game with a winner', () => {
		let state = newGame();
		const drawers: (string | null)[] = [];
		let now = 0;
		while (state.phase !== 'over') {
			drawers.push(state.drawerId);
			const guessers = state.players.filter((player) => player.id !== state.drawerId);
			// Bo guesses every drawing; Chul only Ana's.
			const right = guessers
				.map((player) => player.id)
				.filter((id) => id === 'bo' || (id === 'chul' && state.drawerId === 'ana'));
			state = playRound(state, now, right);
			if (state.phase === 'drawing') state = timeUp(state, state.endsAt);
			expect(state.phase).toBe('round-end');
			now = state.endsAt;
			state = timeUp(state, now);
		}
		expect(drawers).toEqual(['ana', 'bo', 'chul']);
		expect(state.endReason).toBe('everyone-drew');
		expect(winners(state).map((player) => player.id)).toEqual(['bo']);
		expect(ranking(state)[0]?.id).toBe('bo');
	});

	it('versions every change so peers can tell newer from older', () => {
		const first = newGame();
		const second = chooseWord(first, [3], 0);
		expect(second.version).toBe(first.version + 1);
		expect(chooseWord(second, [3], 0)).toBe(second);
	});
});

describe('scoring', () => {
	it('pays faster guesses more, and the drawer for each one', () => {
		let state = chooseWord(newGame(), [3], 0);
		state = scoreGuess(state, 'bo', 10_000);
		state = scoreGuess(state, 'chul', 70_000);
		expect(scores(state)).toEqual({
			ana: 2 * DRAWER_POINTS,
			bo: guessPoints(70_000, 80_000),
			chul: guessPoints(10_000, 80_000)
		});
		expect(guessPoints(80_000, 80_000)).toBe(100);
		expect(guessPoints(0, 80_000)).toBe(50);
		expect(guessPoints(70_000, 80_000)).toBeGreaterThan(guessPoints(10_000, 80_000));
	});

	it('counts a guesser once and never the drawer', () => {
		let state = chooseWord(newGame(), [3], 0);
		state = scoreGuess(state, 'bo', 1000);
		const once = scores(state);
		expect(scoreGuess(state, 'bo', 2000)).toBe(state);
		expect(scoreGuess(state, 'ana', 2000)).toBe(state);
		expect(scoreGuess(state, 'stranger', 2000)).toBe(state);
		expect(scores(state)).toEqual(once);
	});

	it('takes no guesses before the word is chosen or after the round', () => {
		const choosing = newGame();
		expect(scoreGuess(choosing, 'bo', 1000)).toBe(choosing);
		const ended = timeUp(chooseWord(choosing, [3], 0), 80_000);
		expect(ended.phase).toBe('round-end');
		expect(scoreGuess(ended, 'bo', 80_001)).toBe(ended);
	});
});

describe('ending a round', () => {
	it('ends early once everyone guessed', () => {
		let state = chooseWord(newGame(), [3], 0);
		state = scoreGuess(state, 'bo', 1000);
		expect(state.phase).toBe('drawing');
		state = scoreGuess(state, 'chul', 2000);
		expect(state).toMatchObject({ phase: 'round-end', endReason: 'all-guessed', endsAt: 7000 });
		expect(state.players.find((player) => player.id === 'ana')?.hasDrawn).toBe(true);
	});

	it('ends when time is up, not a moment before', () => {
		const drawing = chooseWord(newGame(), [3], 0);
		expect(timeUp(drawing, 79_999)).toBe(drawing);
		expect(timeUp(drawing, 80_000)).toMatchObject({ phase: 'round-end', endReason: 'time' });
	});

	it('passes the turn when the drawer never chooses a word', () => {
		const state = timeUp(newGame(), settings.chooseMs);
		expect(state).toMatchObject({ phase: 'round-end', endReason: 'no-word' });
		expect(nextRound(state, settings.chooseMs + 5000).drawerId).toBe('bo');
	});
});

describe('ending the reveal early', () => {
	it("lets the host or the round's drawer start the next turn before the reveal is over", () => {
		const ended = playRound(nextRound(playRound(newGame(), 0, ['bo', 'chul']), 9000), 10_000, [
			'ana',
			'chul'
		]);
		expect(ended).toMatchObject({ phase: 'round-end', drawerId: 'bo', endsAt: 16_000 });
		expect(mayEndReveal(ended, 'ana', 'ana')).toBe(true);
		expect(mayEndReveal(ended, 'bo', 'ana')).toBe(true);
		expect(mayEndReveal(ended, 'chul', 'ana')).toBe(false);
		expect(nextRound(ended, 11_500)).toMatchObject({
			phase: 'choosing',
			drawerId: 'chul',
			endsAt: 11_500 + settings.chooseMs
		});
	});

	it('hurries nothing but the reveal', () => {
		const choosing = newGame();
		const drawing = chooseWord(choosing, [3], 0);
		for (const state of [choosing, drawing, timeUp(newGame([people[0]!, people[1]!]), 0)]) {
			expect(mayEndReveal(state, 'ana', 'ana')).toBe(false);
		}
		expect(nextRound(drawing, 1000)).toBe(drawing);
	});
});

describe('people leaving and joining', () => {
	it('ends the round when the drawer leaves, and play goes on with the others', () => {
		const state = removePlayer(chooseWord(newGame(), [3], 0), 'ana', 3000);
		expect(state).toMatchObject({ phase: 'round-end', endReason: 'drawer-left' });
		const next = nextRound(state, 8000);
		expect(next).toMatchObject({ phase: 'choosing', round: 2, drawerId: 'bo' });
	});

	it('drops a guesser from the rotation and ends the round if the rest have guessed', () => {
		let state = chooseWord(newGame(), [3], 0);
		state = scoreGuess(state, 'bo', 1000);
		state = removePlayer(state, 'chul', 2000);
		expect(state).toMatchObject({ phase: 'round-end', endReason: 'all-guessed' });
		expect(state.players.find((player) => player.id === 'chul')).toMatchObject({
			hasLeft: true,
			score: 0
		});
		state = nextRound(state, 7000);
		expect(state.drawerId).toBe('bo');
		state = nextRound(timeUp(state, state.endsAt), 99_000);
		// Chul left before their turn: after Bo the game is over.
		expect(state).toMatchObject({ phase: 'over', endReason: 'everyone-drew' });
	});

	it('ends the game when fewer than two players remain', () => {
		const state = removePlayer(removePlayer(newGame(), 'bo', 1), 'chul', 2);
		expect(state).toMatchObject({ phase: 'over', endReason: 'too-few-players' });
		expect(winners(state).map((player) => player.id)).toEqual(['ana']);
	});

	it('adds a late joiner at the end of the turn order', () => {
		let state = addPlayer(chooseWord(newGame(), [3], 0), { id: 'dana', name: 'Dana' });
		expect(state.players.at(-1)).toMatchObject({ id: 'dana', score: 0, hasDrawn: false });
		expect(addPlayer(state, { id: 'dana', name: 'Dana' })).toBe(state);
		// Everyone guessing now includes Dana.
		state = scoreGuess(scoreGuess(state, 'bo', 1000), 'chul', 1000);
		expect(state.phase).toBe('drawing');
		state = scoreGuess(state, 'dana', 1000);
		expect(state.phase).toBe('round-end');
	});

	it('matches the players to whoever is in the room', () => {
		const state = chooseWord(newGame(), [3], 0);
		expect(matchPresence(state, people, 1)).toBe(state);
		const next = matchPresence(state, [people[0]!, people[2]!, { id: 'dana', name: 'Dana' }], 1);
		expect(next.players.map((player) => [player.id, player.hasLeft])).toEqual([
			['ana', false],
			['bo', true],
			['chul', false],
			['dana', false]
		]);
		const over = matchPresence(next, [people[0]!], 2);
		expect(over.phase).toBe('over');
		expect(matchPresence(over, people, 3)).toBe(over);
	});

	it('calls a tie a tie', () => {
		let state = playRound(newGame(people.slice(0, 2)), 0, ['bo'], 1000);
		state = nextRound(state, state.endsAt);
		state = playRound(state, 10_000, ['ana'], 11_000);
		state = nextRound(state, state.endsAt);
		expect(state.phase).toBe('over');
		expect(winners(state).map((player) => player.id)).toEqual(['ana', 'bo']);
	});
});

describe('the host', () => {
	it('is the first player still here, and the next one when they leave', () => {
		const state = newGame();
		expect(hostOf(state, new Set(['ana', 'bo', 'chul']))).toBe('ana');
		expect(hostOf(state, new Set(['bo', 'chul']))).toBe('bo');
		const left = removePlayer(state, 'bo', 0);
		expect(hostOf(left, new Set(['bo', 'chul']))).toBe('chul');
		expect(hostOf(state, new Set(['stranger']))).toBeUndefined();
	});
});

describe('which state is newer', () => {
	const base = newGame();
	it('prefers a later game, then the smaller id of two started at once, then a later version', () => {
		expect(isNewer(base, 'bo', undefined, undefined)).toBe(true);
		expect(isNewer({ ...base, number: 2 }, 'bo', base, 'ana')).toBe(true);
		expect(isNewer(base, 'ana', { ...base, number: 2 }, 'bo')).toBe(false);
		expect(isNewer({ ...base, gameId: 'game0000' }, 'bo', base, 'ana')).toBe(true);
		expect(isNewer({ ...base, gameId: 'game0002' }, 'bo', base, 'ana')).toBe(false);
		expect(isNewer({ ...base, version: 2 }, 'bo', base, 'ana')).toBe(true);
		expect(isNewer(base, 'bo', { ...base, version: 2 }, 'ana')).toBe(false);
		// Two hosts wrote the same version: the same one wins everywhere.
		expect(isNewer(base, 'ana', base, 'bo')).toBe(true);
		expect(isNewer(base, 'bo', base, 'ana')).toBe(false);
	});
});
