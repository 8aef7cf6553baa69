import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { BATCH_MS, BoardReplica, type StrokeStyle } from '../../src/lib/whiteboard/replica';
import { MAX_POINTS_PER_STROKE, type Stroke } from '../../src/lib/whiteboard/wire';
import { PeerNetwork } from './peer-network';

const pen: StrokeStyle = { tool: 'pen', color: '#e03131', width: 0.006 };
const id = (name: string) => name.padEnd(16, '_');

class Board {
	readonly net = new PeerNetwork();
	readonly replicas = new Map<string, BoardReplica>();
	readonly repaints = new Map<string, number>();

	constructor(names: string[]) {
		for (const name of names) this.join(name);
	}

	join(name: string): BoardReplica {
		const replica = new BoardReplica(this.net.transport(id(name)), (change) => {
			if (change.kind === 'repaint') this.repaints.set(name, (this.repaints.get(name) ?? 0) + 1);
		});
		this.replicas.set(name, replica);
		this.net.add(id(name), (from, data) => replica.receive(from, data));
		return replica;
	}

	get(name: string): BoardReplica {
		const replica = this.replicas.get(name);
		if (!replica) throw new Error(name);
		return replica;
	}

	/** What each person would see: visible strokes and their points, in painting order. */
	picture(name: string): Pick<Stroke, 'id' | 'points'>[] {
		return this.get(name)
			.model.strokes.filter((stroke) => !stroke.isHidden)
			.map(({ id, points }) => ({ id, points }));
	}
}

const wiggle = (count: number, from = 0) =>
	Array.from({ length: count }, (_, i) => [((from + i) % 100) / 100, 0.5, 0.5]).flat();

beforeEach(() => {
	vi.useFakeTimers();
});

afterEach(() => {
	vi.useRealTimers();
});

describe('drawing together', () => {
	it('sends the first point at once and the rest in batches while the stroke is drawn', async () => {
		const board = new Board(['ana', 'bo']);
		const ana = board.get('ana');
		ana.begin(pen, [0.1, 0.1, 0.5]);
		await board.net.settle();
		expect(board.picture('bo')).toHaveLength(1);

		// A pointer reports every few milliseconds; the points gather for BATCH_MS.
		for (let i = 0; i < 5; i++) {
			ana.extend(wiggle(2, i * 2));
			vi.advanceTimersByTime(5);
		}
		await board.net.settle();
		expect(board.picture('bo')[0]?.points).toHaveLength(3);
		vi.advanceTimersByTime(BATCH_MS);
		await board.net.settle();
		expect(board.picture('bo')).toEqual(board.picture('ana'));
		const batches = board.net.delivered.filter((m) => JSON.parse(m.data).type === 'points');
		expect(batches).toHaveLength(1);

		ana.extend(wiggle(3, 50));
		ana.end();
		await board.net.settle();
		expect(board.picture('bo')).toEqual(board.picture('ana'));
		expect(board.get('bo').model.strokes[0]?.isDone).toBe(true);
	});

	it('continues a very long stroke as a new one that starts where it stopped', async () => {
		const board = new Board(['ana', 'bo']);
		const ana = board.get('ana');
		ana.begin(pen, [0, 0.5, 0.5]);
		for (let i = 0; i < 5; i++) {
			ana.extend(wiggle(1000, i * 1000));
			vi.advanceTimersByTime(BATCH_MS);
			await board.net.settle();
		}
		ana.end();
		await board.net.settle();
		const strokes = board.get('bo').model.strokes;
		expect(strokes).toHaveLength(3);
		expect(strokes.every((stroke) => stroke.points.length <= MAX_POINTS_PER_STROKE * 3)).toBe(true);
		expect(strokes[1]?.points.slice(0, 3)).toEqual(strokes[0]?.points.slice(-3));
		expect(board.picture('bo')).toEqual(board.picture('ana'));
	});

	it('undoes and redoes only your own strokes, everywhere', async () => {
		const board = new Board(['ana', 'bo']);
		const [ana, bo] = [board.get('ana'), board.get('bo')];
		ana.begin(pen, [0.1, 0.1, 0.5]);
		ana.end();
		bo.begin(pen, [0.2, 0.2, 0.5]);
		bo.end();
		await board.net.settle();
		bo.undo();
		bo.undo();
		await board.net.settle();
		expect(board.picture('ana')).toHaveLength(1);
		expect(board.picture('bo')).toEqual(board.picture('ana'));
		expect(bo.history.canUndo).toBe(false);
		bo.redo();
		await board.net.settle();
		expect(board.picture('ana')).toHaveLength(2);
	});

	it('clears for everyone, including a stroke someone was drawing at that moment', async () => {
		const board = new Board(['ana', 'bo']);
		const [ana, bo] = [board.get('ana'), board.get('bo')];
		ana.begin(pen, [0.1, 0.1, 0.5]);
		ana.end();
		bo.begin(pen, [0.3, 0.3, 0.5]);
		// Ana clears before Bo's stroke has reached her.
		ana.clear();
		await board.net.settle();
		expect(board.picture('ana')).toEqual([]);
		expect(board.picture('bo')).toEqual([]);
		// The rest of Bo's cleared stroke goes nowhere; his next one shows everywhere.
		bo.extend(wiggle(3));
		bo.end();
		bo.begin(pen, [0.5, 0.5, 0.5]);
		bo.end();
		await board.net.settle();
		expect(board.picture('ana')).toHaveLength(1);
		expect(board.picture('ana')).toEqual(board.picture('bo'));
		expect(ana.history.canUndo).toBe(false);
	});
});

describe('joining late', () => {
	it('merges the snapshots of everyone already there into one board, once', async () => {
		const board = new Board(['ana', 'bo']);
		const [ana, bo] = [board.get('ana'), board.get('bo')];
		for (let i = 0; i < 40; i++) {
			ana.begin(pen, [0, i / 40, 0.5]);
			ana.extend(wiggle(MAX_POINTS_PER_STROKE - 1));
			ana.end();
		}
		bo.begin({ ...pen, tool: 'eraser' }, [0.5, 0.5, 0.5]);
		bo.end();
		bo.undo();
		// Bo is still drawing when Chul arrives.
		bo.begin(pen, [0.9, 0.9, 0.5]);
		bo.extend(wiggle(4));
		vi.advanceTimersByTime(BATCH_MS);
		await board.net.settle();

		const chul = board.join('chul');
		chul.requestSnapshot(id('ana'));
		chul.requestSnapshot(id('bo'));
		await board.net.settle();
		const snapshots = board.net.received(id('chul')).filter((m) => m.message.type === 'snapshot');
		expect(snapshots.length).toBeGreaterThan(2);
		expect(board.picture('chul')).toEqual(board.picture('ana'));
		expect(chul.model.strokes).toHaveLength(42);

		// Bo's stroke keeps coming, and his redo reaches Chul too.
		bo.extend(wiggle(2, 10));
		bo.end();
		bo.undo();
		bo.redo();
		await board.net.settle();
		expect(board.picture('chul')).toEqual(board.picture('bo'));
	});

	it('learns of a clear from an empty board', async () => {
		const board = new Board(['ana']);
		const ana = board.get('ana');
		ana.begin(pen, [0.1, 0.1, 0.5]);
		ana.end();
		ana.clear();
		const bo = board.join('bo');
		bo.requestSnapshot(id('ana'));
		await board.net.settle();
		expect(bo.model.clearedThrough).toBe(ana.model.clearedThrough);
		expect(bo.model.clock).toBeGreaterThanOrEqual(ana.model.clock);
	});
});

describe('untrusted peers', () => {
	it('cannot add to, undo or redo strokes that are not theirs', async () => {
		const board = new Board(['ana', 'bo']);
		const ana = board.get('ana');
		ana.begin(pen, [0.1, 0.1, 0.5]);
		ana.end();
		await board.net.settle();
		const strokeId = ana.model.strokes[0]!.id;
		const before = structuredClone(board.picture('ana'));
		for (const wire of [
			{ type: 'undo', id: strokeId },
			{ type: 'points', id: strokeId, at: 1, points: [0.9, 0.9, 0.5] },
			{ type: 'end', id: strokeId }
		]) {
			ana.receive(id('bo'), JSON.stringify(wire));
		}
		ana.receive(id('bo'), 'not json');
		ana.receive(id('bo'), '[]');
		expect(board.picture('ana')).toEqual(before);
	});
});
