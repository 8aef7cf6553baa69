import fc from 'fast-check';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { GameEngine } from '../../src/lib/game/engine';
import { MAX_GAME_NUMBER_JUMP, MAX_VERSION_JUMP } from '../../src/lib/game/authority';
import { parseGameWire, stateToWire } from '../../src/lib/game/wire';
import { mutationsOf, RUNS, Tally } from './hostile';
import { PeerNetwork } from './peer-network';

const id = (name: string) => name.padEnd(16, '_');
const ANA = id('ana');
const BO = id('bo');
const MALLORY = id('mallory');
const tally = new Tally('game');

afterAll(() => tally.print());
beforeEach(() => {
	vi.useFakeTimers();
});
afterEach(() => {
	vi.useRealTimers();
});

/** Ana (host and drawer), Bo and Mallory, in a round that is under way. */
async function roundUnderWay() {
	const net = new PeerNetwork();
	const ignored: string[] = [];
	const people = ['ana', 'bo', 'mallory'].map((name) => ({ id: id(name), name }));
	const engines = new Map<string, GameEngine>();
	for (const person of people) {
		const engine = new GameEngine({
			transport: net.transport(person.id),
			onChange: () => {},
			onIgnored: (from) => ignored.push(from),
			settings: { chooseMs: 20_000, roundMs: 80_000, revealMs: 5_000 },
			loadWords: async () => ['giraffe', 'pancake', 'volcano'],
			random: () => 0
		});
		engines.set(person.id, engine);
		net.add(person.id, (from, data) => engine.receive(from, data));
	}
	for (const [selfId, engine] of engines) engine.setPeople(selfId, people);
	const ana = engines.get(ANA)!;
	ana.start('en');
	await net.settle();
	ana.choose(ana.secret.choices[0]!);
	await net.settle();
	const bo = engines.get(BO)!;
	expect(bo.state).toMatchObject({ phase: 'drawing', drawerId: ANA });
	ignored.length = 0;
	const mallory = engines.get(MALLORY)!;
	return { net, ana, bo, mallory, people, ignored };
}

const stateOf = (engine: GameEngine) =>
	JSON.stringify([engine.state, engine.revealedWord, engine.guesses.list, engine.secret.received]);

describe('malformed game messages', () => {
	it('drops a malformed message of each type without a change', async () => {
		const { bo, ignored } = await roundUnderWay();
		const state = stateToWire(bo.state!, Date.now());
		const round = { gameId: state.gameId, round: state.round };
		const templates = {
			state: { type: 'state', state },
			chosen: { type: 'chosen', ...round, hint: [7] },
			guess: { type: 'guess', ...round, id: 1, text: 'giraffe' },
			verdict: { type: 'verdict', ...round, id: 1, verdict: 'correct' },
			correct: { type: 'correct', ...round, guesserId: BO },
			reveal: { type: 'reveal', ...round, word: 'giraffe' },
			next: { type: 'next', ...round }
		};
		for (const [type, template] of Object.entries(templates)) {
			fc.assert(
				fc.property(
					mutationsOf(template).filter((data) => parseGameWire(data) === undefined),
					(data) => {
						tally.count(`${type} (malformed)`);
						ignored.length = 0;
						const before = stateOf(bo);
						expect(() => bo.receive(ANA, data)).not.toThrow();
						expect(stateOf(bo)).toBe(before);
						expect(ignored).toEqual([ANA]);
					}
				),
				{ numRuns: RUNS }
			);
		}
		// Seven thousand payloads in one test: a busy shared machine needs more than the default.
	}, 60_000);
});

describe('hostile but well-formed game messages', () => {
	it('takes the game state only from the host', async () => {
		const { bo } = await roundUnderWay();
		const current = stateToWire(bo.state!, Date.now());
		const forged = fc.record({
			version: fc.integer({ min: current.version + 1, max: current.version + 100 }),
			phase: fc.constantFrom(
				'choosing' as const,
				'drawing' as const,
				'round-end' as const,
				'over' as const
			),
			score: fc.integer({ min: 0, max: 1_000_000 }),
			drawerId: fc.constantFrom(ANA, BO, MALLORY),
			isNewGame: fc.boolean()
		});
		fc.assert(
			fc.property(forged, ({ version, phase, score, drawerId, isNewGame }) => {
				tally.count('state (not the host)');
				const before = stateOf(bo);
				const players = current.players.map((player) =>
					player.id === MALLORY ? { ...player, score } : player
				);
				const mallory = players.find((player) => player.id === MALLORY)!;
				const state = {
					...current,
					phase,
					drawerId,
					...(isNewGame
						? {
								number: current.number + 1,
								gameId: 'AAAAAAAAAAAA',
								version: 1,
								players: [mallory, ...players.filter((p) => p !== mallory)]
							}
						: { version, players })
				};
				bo.receive(MALLORY, JSON.stringify({ type: 'state', state }));
				expect(stateOf(bo)).toBe(before);
			}),
			{ numRuns: RUNS }
		);
	});

	it('takes no counter that jumps too far, even from the host', async () => {
		const { net, ana, bo } = await roundUnderWay();
		const current = stateToWire(bo.state!, Date.now());
		const jumps = fc.oneof(
			fc.record({
				version: fc.constantFrom(Number.MAX_SAFE_INTEGER),
				number: fc.constant(current.number)
			}),
			fc.record({
				version: fc.integer({
					min: current.version + MAX_VERSION_JUMP + 1,
					max: Number.MAX_SAFE_INTEGER
				}),
				number: fc.constant(current.number)
			}),
			fc.record({
				version: fc.constant(1),
				number: fc.integer({
					min: current.number + MAX_GAME_NUMBER_JUMP + 1,
					max: Number.MAX_SAFE_INTEGER
				})
			})
		);
		fc.assert(
			fc.property(jumps, ({ version, number }) => {
				tally.count('state (counter jump)');
				const before = stateOf(bo);
				bo.receive(ANA, JSON.stringify({ type: 'state', state: { ...current, version, number } }));
				expect(stateOf(bo)).toBe(before);
			}),
			{ numRuns: RUNS }
		);
		// The real host's next move still lands.
		bo.guess('pancake');
		await net.settle();
		expect(bo.guesses.list.at(-1)).toMatchObject({ verdict: 'wrong' });
		expect(ana.state?.version).toBe(bo.state?.version);
	});

	it('takes moves only from whoever may make them', async () => {
		const { ana, bo } = await roundUnderWay();
		const round = { gameId: bo.state!.gameId, round: bo.state!.round };
		const moves = fc.oneof(
			fc.record({
				target: fc.constant('ana'),
				wire: fc.constant({ type: 'chosen', ...round, hint: [3] })
			}),
			fc.record({
				target: fc.constant('ana'),
				wire: fc.constantFrom(BO, MALLORY).map((guesserId) => ({
					type: 'correct',
					...round,
					guesserId
				}))
			}),
			fc.record({
				target: fc.constant('bo'),
				wire: fc.constantFrom('correct', 'close', 'wrong').map((verdict) => ({
					type: 'verdict',
					...round,
					id: 1,
					verdict
				}))
			}),
			fc.record({
				target: fc.constant('bo'),
				wire: fc.string({ minLength: 1, maxLength: 40 }).map((word) => ({
					type: 'reveal',
					...round,
					word
				}))
			})
		);
		fc.assert(
			fc.property(moves, fc.constantFrom(MALLORY, BO), ({ target, wire }, sender) => {
				tally.count(`${wire.type} (not theirs to send)`);
				const engine = target === 'ana' ? ana : bo;
				if (engine === bo && sender === BO) return;
				const before = stateOf(engine);
				engine.receive(sender, JSON.stringify(wire));
				expect(stateOf(engine)).toBe(before);
			}),
			{ numRuns: RUNS }
		);
	});

	it('judges guesses only from players', async () => {
		const { ana } = await roundUnderWay();
		const round = { gameId: ana.state!.gameId, round: ana.state!.round };
		fc.assert(
			fc.property(fc.string({ minLength: 1, maxLength: 40 }), (text) => {
				tally.count('guess (not a player)');
				const before = stateOf(ana);
				ana.receive(id('stranger'), JSON.stringify({ type: 'guess', ...round, id: 1, text }));
				expect(stateOf(ana)).toBe(before);
			}),
			{ numRuns: RUNS }
		);
	});
});

describe('an honest host change', () => {
	it("holds a new host's state until this device hears the old host left", async () => {
		const { net, bo, mallory, people, ignored } = await roundUnderWay();
		const withoutAna = people.filter((person) => person.id !== ANA);
		net.remove(ANA);
		// Bo hears first that Ana left: Bo hosts now, and ends her round.
		bo.setPeople(BO, withoutAna);
		await net.settle();
		expect(bo.state).toMatchObject({ phase: 'round-end', endReason: 'drawer-left' });
		// Mallory's presence lags: to her, Ana is still the host, so Bo's state waits.
		expect(mallory.state?.phase).toBe('drawing');
		mallory.setPeople(MALLORY, withoutAna);
		expect(mallory.state).toEqual(bo.state && { ...bo.state, endsAt: mallory.state?.endsAt });
		expect(ignored).toEqual([]);
	});
});
