import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { GameEngine } from '../../src/lib/game/engine';
import { hintFor } from '../../src/lib/game/guess';
import type { GameSettings } from '../../src/lib/game/machine';
import { stateToWire } from '../../src/lib/game/wire';
import { PeerNetwork } from './peer-network';
import { loadGame, saveGame } from '../../src/lib/game/saved-game';

const stateWire = (state: Parameters<typeof stateToWire>[0]) => stateToWire(state, Date.now());

const settings: GameSettings = { chooseMs: 20_000, roundMs: 80_000, revealMs: 5_000 };
const WORDS = ['giraffe', 'lighthouse', 'pancake', 'volcano', 'umbrella'];
/** Peer ids as the server makes them: 16 characters. */
const id = (name: string) => name.padEnd(16, '_');

interface Person {
	id: string;
	name: string;
}

class Room {
	readonly net = new PeerNetwork();
	readonly engines = new Map<string, GameEngine>();
	people: Person[] = [];
	drawingStarts = 0;
	/** Who was shown the board by the game, in order. */
	boardsOpened: string[] = [];

	constructor(names: string[]) {
		for (const name of names) this.join(name);
	}

	join(name: string): GameEngine {
		const person = { id: id(name), name };
		const engine = new GameEngine({
			transport: this.net.transport(person.id),
			onChange: () => {},
			onDrawingStart: () => this.drawingStarts++,
			onBoardNeeded: () => this.boardsOpened.push(name),
			settings,
			loadWords: async () => WORDS,
			random: () => 0
		});
		this.engines.set(name, engine);
		this.net.add(person.id, (from, data) => engine.receive(from, data));
		this.people = [...this.people, person];
		this.#presence();
		for (const [other, otherEngine] of this.engines) {
			if (other !== name) otherEngine.peerOpened(person.id);
		}
		return engine;
	}

	/**
	 * Their page reloads: a fresh engine under the same id, the seat held meanwhile, so the
	 * room's presence never changes; the others' game channels to them open again.
	 */
	reload(name: string): GameEngine {
		this.net.remove(id(name));
		this.engines.get(name)?.dispose();
		this.engines.delete(name);
		const engine = this.join(name);
		this.people = this.people.filter(
			(person, index, all) => all.findIndex((other) => other.id === person.id) === index
		);
		this.#presence();
		return engine;
	}

	leave(name: string): void {
		this.net.remove(id(name));
		this.engines.get(name)?.dispose();
		this.engines.delete(name);
		this.people = this.people.filter((person) => person.name !== name);
		this.#presence();
	}

	get(name: string): GameEngine {
		const engine = this.engines.get(name);
		if (!engine) throw new Error(`${name} is not here`);
		return engine;
	}

	all(): GameEngine[] {
		return [...this.engines.values()];
	}

	scores(name: string): Record<string, number> {
		return Object.fromEntries(
			(this.get(name).state?.players ?? []).map((player) => [player.name, player.score])
		);
	}

	#presence(): void {
		for (const [name, engine] of this.engines) engine.setPeople(id(name), this.people);
	}
}

beforeEach(() => {
	vi.useFakeTimers();
	// One tab's sessionStorage, where a page saves its game for a reload.
	const items = new Map<string, string>();
	vi.stubGlobal('sessionStorage', {
		getItem: (key: string) => items.get(key) ?? null,
		setItem: (key: string, value: string) => void items.set(key, value),
		removeItem: (key: string) => void items.delete(key)
	});
});

afterEach(() => {
	vi.useRealTimers();
	vi.unstubAllGlobals();
});

/** Ana starts and chooses the first word offered; returns it. */
async function startAndChoose(room: Room): Promise<string> {
	const ana = room.get('ana');
	expect(ana.start('en')).toBe(true);
	await room.net.settle();
	expect(ana.secret.choices).toHaveLength(3);
	const word = ana.secret.choices[0]!;
	ana.choose(word);
	await room.net.settle();
	return word;
}

/**
 * Round 1 drawn by Ana and guessed by both, its reveal ended by Ana; round 2's drawer, Bo, has
 * chosen. Ana hosts, so round 2's end and its word come from two people. Gives Bo's word.
 */
async function startSecondRound(room: Room): Promise<string> {
	const first = await startAndChoose(room);
	room.get('bo').guess(first);
	room.get('chul').guess(first);
	await room.net.settle();
	room.get('ana').endReveal();
	await room.net.settle();
	const bo = room.get('bo');
	bo.choose(bo.secret.choices[0]!);
	await room.net.settle();
	return bo.secret.word!;
}

describe('a round', () => {
	it('lets the drawer judge, tells only the guesser "close", and keeps the word secret', async () => {
		const room = new Room(['ana', 'bo', 'chul']);
		const word = await startAndChoose(room);
		for (const engine of room.all()) {
			expect(engine.state).toMatchObject({ phase: 'drawing', drawerId: id('ana') });
			expect(engine.state?.hint).toEqual(hintFor(word));
		}
		expect(room.drawingStarts).toBe(1);

		const bo = room.get('bo');
		const chul = room.get('chul');
		expect(bo.guess(word.slice(0, -1))).toBe(true);
		await room.net.settle();
		expect(bo.guesses.list).toEqual([{ id: 1, text: word.slice(0, -1), verdict: 'close' }]);
		expect(room.get('ana').secret.received).toEqual([
			{ guesserId: id('bo'), text: word.slice(0, -1), verdict: 'close' }
		]);
		expect(chul.guesses.list).toEqual([]);

		bo.guess(`  ${word.toUpperCase()} `);
		await room.net.settle();
		expect(bo.hasGuessedRight).toBe(true);
		expect(bo.guess('again')).toBe(false);
		expect(chul.state?.guessed).toEqual([id('bo')]);
		expect(chul.revealedWord).toBeUndefined();

		vi.advanceTimersByTime(20_000);
		chul.guess(word);
		await room.net.settle();
		for (const engine of room.all()) {
			expect(engine.state).toMatchObject({ phase: 'round-end', endReason: 'all-guessed' });
			expect(engine.revealedWord).toBe(word);
		}
		const scores = room.scores('ana');
		for (const name of ['bo', 'chul']) expect(room.scores(name)).toEqual(scores);
		expect(scores.bo).toBeGreaterThan(scores.chul!);
		expect(scores.ana).toBeGreaterThan(0);

		// Guesses went to the drawer alone, and the word reached guessers only in the reveal.
		for (const { to, data } of room.net.delivered) {
			if (JSON.parse(data).type === 'guess') expect(to).toBe(id('ana'));
		}
		for (const name of ['bo', 'chul']) {
			const told = room.net
				.received(id(name))
				.filter(({ message }) => JSON.stringify(message).includes(word));
			expect(told.map(({ message }) => message.type)).toEqual(['reveal']);
		}
	});

	it('ends when the time is up, with the word shown', async () => {
		const room = new Room(['ana', 'bo']);
		const word = await startAndChoose(room);
		vi.advanceTimersByTime(settings.roundMs - 1);
		await room.net.settle();
		expect(room.get('bo').state?.phase).toBe('drawing');
		vi.advanceTimersByTime(1);
		await room.net.settle();
		expect(room.get('bo').state).toMatchObject({ phase: 'round-end', endReason: 'time' });
		expect(room.get('bo').revealedWord).toBe(word);
	});

	it('passes the turn of a drawer who never chooses', async () => {
		const room = new Room(['ana', 'bo']);
		room.get('ana').start('en');
		await room.net.settle();
		vi.advanceTimersByTime(settings.chooseMs);
		await room.net.settle();
		expect(room.get('bo').state).toMatchObject({ phase: 'round-end', endReason: 'no-word' });
		vi.advanceTimersByTime(settings.revealMs);
		await room.net.settle();
		expect(room.get('bo').state).toMatchObject({ phase: 'choosing', drawerId: id('bo') });
		expect(room.get('bo').secret.choices).toHaveLength(3);
		expect(room.get('ana').secret.choices).toEqual([]);
	});

	it('judges a guess that overtakes the news that the round started', async () => {
		const room = new Room(['ana', 'bo', 'chul']);
		const first = await startAndChoose(room);
		room.get('bo').guess(first);
		room.get('chul').guess(first);
		await room.net.settle();
		vi.advanceTimersByTime(settings.revealMs);
		await room.net.settle();
		// Round 2: Bo draws, Ana is still the host.
		const bo = room.get('bo');
		const chul = room.get('chul');
		bo.choose(bo.secret.choices[0]!);
		await room.net.deliver(id('bo'), id('ana'));
		await room.net.deliver(id('ana'), id('chul'));
		expect(bo.state?.phase).toBe('choosing');
		chul.guess(bo.secret.word!);
		await room.net.deliver(id('chul'), id('bo'));
		await room.net.settle();
		expect(chul.guesses.list.map((guess) => guess.verdict)).toEqual(['correct']);
		expect(chul.state?.guessed).toContain(id('chul'));
	});
});

describe('a game', () => {
	it('rotates the drawer through everyone and ends with the same winner everywhere', async () => {
		const room = new Room(['ana', 'bo']);
		const first = await startAndChoose(room);
		room.get('bo').guess(first);
		await room.net.settle();
		vi.advanceTimersByTime(settings.revealMs);
		await room.net.settle();
		const bo = room.get('bo');
		expect(bo.state).toMatchObject({ phase: 'choosing', round: 2, drawerId: id('bo') });
		// Words already drawn in this game are not offered again.
		expect(bo.secret.choices).not.toContain(first);
		bo.choose(bo.secret.choices[0]!);
		await room.net.settle();
		vi.advanceTimersByTime(settings.roundMs);
		await room.net.settle();
		vi.advanceTimersByTime(settings.revealMs);
		await room.net.settle();
		for (const engine of room.all()) {
			expect(engine.state).toMatchObject({ phase: 'over', endReason: 'everyone-drew' });
			expect(engine.isRunning).toBe(false);
		}
		expect(room.scores('ana')).toEqual(room.scores('bo'));
		expect(room.scores('bo').bo).toBeGreaterThan(room.scores('bo').ana!);
	});

	it('settles on one game when two people press Start game at once', async () => {
		const room = new Room(['ana', 'bo', 'chul']);
		expect(room.get('ana').start('en')).toBe(true);
		expect(room.get('bo').start('ko')).toBe(true);
		await room.net.settle();
		const ids = new Set(room.all().map((engine) => engine.state?.gameId));
		expect(ids.size).toBe(1);
		const drawers = room.all().map((engine) => engine.state?.drawerId);
		expect(new Set(drawers).size).toBe(1);
	});
});

describe('people coming and going', () => {
	it('ends the round when the drawer leaves, and the next player takes over as host', async () => {
		const room = new Room(['ana', 'bo', 'chul']);
		await startAndChoose(room);
		room.leave('ana');
		await room.net.settle();
		for (const engine of room.all()) {
			expect(engine.state).toMatchObject({ phase: 'round-end', endReason: 'drawer-left' });
			expect(engine.hostId).toBe(id('bo'));
			expect(engine.revealedWord).toBeUndefined();
		}
		vi.advanceTimersByTime(settings.revealMs);
		await room.net.settle();
		expect(room.get('chul').state).toMatchObject({ phase: 'choosing', drawerId: id('bo') });
		expect(room.get('chul').state?.players.find((p) => p.name === 'ana')?.hasLeft).toBe(true);
	});

	it('keeps a right guess that was on its way to a host who left', async () => {
		const room = new Room(['ana', 'bo', 'chul']);
		const first = await startAndChoose(room);
		room.get('bo').guess(first);
		room.get('chul').guess(first);
		await room.net.settle();
		vi.advanceTimersByTime(settings.revealMs);
		await room.net.settle();
		const bo = room.get('bo');
		bo.choose(bo.secret.choices[0]!);
		await room.net.settle();
		room.get('chul').guess(bo.secret.word!);
		// Bo judges it and tells the host, Ana, who leaves before hearing it.
		await room.net.step();
		room.leave('ana');
		await room.net.settle();
		// Bo is now the host: the round ends, as Chul (the only guesser left) got it.
		expect(room.get('chul').state).toMatchObject({ phase: 'round-end', endReason: 'all-guessed' });
		expect(room.get('chul').state?.guessed).toEqual([id('chul')]);
		expect(room.scores('chul')).toEqual(room.scores('bo'));
	});

	it('brings a late joiner into the running round as a guesser', async () => {
		const room = new Room(['ana', 'bo']);
		const word = await startAndChoose(room);
		const dana = room.join('dana');
		await room.net.settle();
		expect(dana.state).toMatchObject({ phase: 'drawing', drawerId: id('ana') });
		expect(dana.state?.players.map((player) => player.name)).toEqual(['ana', 'bo', 'dana']);
		room.get('bo').guess(word);
		await room.net.settle();
		// Dana has not guessed yet, so the round goes on.
		expect(dana.state?.phase).toBe('drawing');
		dana.guess(word);
		await room.net.settle();
		expect(dana.state?.phase).toBe('round-end');
		expect(dana.revealedWord).toBe(word);
	});

	it('shows the board to everyone when a game starts, and to each drawer on their turn', async () => {
		const room = new Room(['ana', 'bo']);
		const first = await startAndChoose(room);
		expect(room.boardsOpened.sort()).toEqual(['ana', 'ana', 'bo']);
		room.boardsOpened = [];
		room.get('bo').guess(first);
		await room.net.settle();
		vi.advanceTimersByTime(settings.revealMs);
		await room.net.settle();
		expect(room.boardsOpened).toEqual(['bo']);
	});

	it('keeps a reloaded guesser’s score and turn: they come back under the same id', async () => {
		const room = new Room(['ana', 'bo', 'chul']);
		const word = await startAndChoose(room);
		room.get('bo').guess(word);
		await room.net.settle();
		const before = room.scores('ana');
		expect(before.bo).toBeGreaterThan(0);

		const bo = room.reload('bo');
		await room.net.settle();
		expect(bo.state?.gameId).toBe(room.get('ana').state?.gameId);
		expect(room.scores('bo')).toEqual(before);
		expect(bo.state?.players.map((player) => player.name)).toEqual(['ana', 'bo', 'chul']);

		// The round ends and the turn passes to Bo, as it would have without the reload.
		room.get('chul').guess(word);
		await room.net.settle();
		vi.advanceTimersByTime(settings.revealMs);
		await room.net.settle();
		for (const engine of room.all()) expect(engine.state?.drawerId).toBe(id('bo'));
		expect(bo.isDrawer).toBe(true);
	});

	it('keeps the game going when its host and drawer reloads: the page picks up what it saved', async () => {
		const room = new Room(['ana', 'bo', 'chul']);
		const word = await startAndChoose(room);
		// What the page does after every change (game.svelte.ts).
		saveGame('room', id('ana'), room.get('ana').snapshot());
		const saved = loadGame('room', id('ana'));
		expect(saved?.secret.word).toBe(word);

		const ana = room.reload('ana');
		await room.net.settle();
		// Nobody else may send the game to its host: without what it saved, it stays empty.
		expect(ana.state).toBeUndefined();
		ana.resume(saved!);
		await room.net.settle();
		expect(ana.isHost).toBe(true);
		expect(ana.secret.word).toBe(word);

		// The drawer still judges and the host still scores and keeps the clock.
		room.get('bo').guess(word);
		await room.net.settle();
		for (const engine of room.all()) expect(engine.state?.guessed).toEqual([id('bo')]);
		room.get('chul').guess(word);
		await room.net.settle();
		vi.advanceTimersByTime(settings.revealMs);
		await room.net.settle();
		for (const engine of room.all()) expect(engine.state?.drawerId).toBe(id('bo'));
	});

	it('takes back only a game saved under the same seat and room', async () => {
		const room = new Room(['ana', 'bo']);
		await startAndChoose(room);
		saveGame('room', id('ana'), room.get('ana').snapshot());
		expect(loadGame('room', id('ana'))).toBeDefined();
		expect(loadGame('room', id('bo'))).toBeUndefined();
		expect(loadGame('other-room', id('ana'))).toBeUndefined();
		sessionStorage.setItem('dropcall:game', '{"roomId":"room","selfId":"x","wire":"{}"}');
		expect(loadGame('room', 'x')).toBeUndefined();
	});

	it('forgets the game when this device comes back under a new id', async () => {
		const room = new Room(['ana', 'bo']);
		await startAndChoose(room);
		const bo = room.get('bo');
		const people = room.people.map((person) =>
			person.name === 'bo' ? { id: id('bo2'), name: 'bo' } : person
		);
		bo.setPeople(id('bo2'), people);
		expect(bo.state).toBeUndefined();
		expect(bo.guesses.list).toEqual([]);
		// Whatever game the room is playing now, its state is welcome.
		const fresh = room.get('ana').state!;
		bo.receive(
			id('ana'),
			JSON.stringify({ type: 'state', state: { ...stateWire(fresh), version: 1 } })
		);
		expect(bo.state?.gameId).toBe(fresh.gameId);
	});
});

describe('messages crossing on different paths', () => {
	it('shows the word to a guesser whose reveal overtook the state that ended the round', async () => {
		const room = new Room(['ana', 'bo', 'chul']);
		const word = await startSecondRound(room);
		room.get('ana').guess(word);
		room.get('chul').guess(word);
		await room.net.settleExcept(id('ana'), id('chul'));
		const chul = room.get('chul');
		expect(chul.state?.phase).toBe('drawing');
		await room.net.settle();
		expect(chul.state?.phase).toBe('round-end');
		expect(chul.revealedWord).toBe(word);
	});
});

describe('ending the reveal early', () => {
	it('lets the drawer who is not host start the next round once the word is out', async () => {
		const room = new Room(['ana', 'bo', 'chul']);
		const first = await startAndChoose(room);
		room.get('bo').guess(first);
		room.get('chul').guess(first);
		await room.net.settle();
		// Ana is host and drew; the guessers may not hurry anyone.
		expect(room.get('ana').mayEndReveal).toBe(true);
		expect(room.get('bo').mayEndReveal).toBe(false);
		const round = { gameId: room.get('ana').state!.gameId, round: 1 };
		room.get('ana').receive(id('chul'), JSON.stringify({ type: 'next', ...round }));
		await room.net.settle();
		expect(room.get('chul').state?.phase).toBe('round-end');
		room.get('ana').endReveal();
		await room.net.settle();
		expect(room.get('chul').state).toMatchObject({ phase: 'choosing', drawerId: id('bo') });

		const bo = room.get('bo');
		bo.choose(bo.secret.choices[0]!);
		await room.net.settle();
		room.get('ana').guess(bo.secret.word!);
		room.get('chul').guess(bo.secret.word!);
		await room.net.settle();
		expect(room.get('chul').revealedWord).toBe(bo.secret.word);
		expect(room.get('chul').mayEndReveal).toBe(false);
		room.get('chul').endReveal();
		await room.net.settle();
		expect(room.get('chul').state?.phase).toBe('round-end');
		expect(bo.mayEndReveal).toBe(true);
		bo.endReveal();
		await room.net.settle();
		for (const engine of room.all()) {
			expect(engine.state).toMatchObject({ phase: 'choosing', round: 3, drawerId: id('chul') });
		}
	});

	it('is not offered to a host who has not yet seen the word', async () => {
		const room = new Room(['ana', 'bo', 'chul']);
		const word = await startSecondRound(room);
		room.get('ana').guess(word);
		room.get('chul').guess(word);
		// Ana, the host, ends the round on the last right guess, before Bo has heard it ended
		// and sent the word.
		for (let steps = 0; room.get('ana').state?.phase !== 'round-end' && steps < 100; steps++) {
			await room.net.step();
		}
		expect(room.get('ana').state?.phase).toBe('round-end');
		expect(room.get('ana').revealedWord).toBeUndefined();
		expect(room.get('ana').mayEndReveal).toBe(false);
		room.get('ana').endReveal();
		expect(room.get('ana').state?.phase).toBe('round-end');
		await room.net.settle();
		expect(room.get('ana').mayEndReveal).toBe(true);
	});
});

describe('untrusted messages', () => {
	it('ignores malformed messages and moves nobody may make', async () => {
		const room = new Room(['ana', 'bo', 'chul']);
		await startAndChoose(room);
		const ana = room.get('ana');
		const before = structuredClone(ana.state);
		const bo = id('bo');
		const round = { gameId: before!.gameId, round: 1 };
		for (const data of [
			'{',
			'null',
			'{"type":"state"}',
			JSON.stringify({ type: 'guess', ...round, id: 1, text: 'x'.repeat(41) }),
			'x'.repeat(20_000),
			// Only the drawer may report a right guess or a chosen word.
			JSON.stringify({ type: 'correct', ...round, guesserId: bo }),
			JSON.stringify({ type: 'chosen', ...round, hint: [3] }),
			// Only the drawer may cut the reveal short, and only with a well-formed message.
			JSON.stringify({ type: 'next', ...round }),
			JSON.stringify({ type: 'next', ...round, word: 'x' }),
			// A guess for another round or game.
			JSON.stringify({ type: 'guess', gameId: 'elsewhere', round: 1, id: 1, text: 'giraffe' })
		]) {
			expect(() => ana.receive(bo, data)).not.toThrow();
		}
		await room.net.settle();
		expect(ana.state).toEqual(before);
		expect(ana.secret.received).toEqual([]);
	});
});
