import { describe, expect, it } from 'vitest';
import { UndoHistory } from '../../src/lib/whiteboard/history';
import { BoardModel } from '../../src/lib/whiteboard/model';
import { boardFileName } from '../../src/lib/whiteboard/save';
import {
	MAX_BOARD_POINTS,
	MAX_POINTS_PER_MESSAGE,
	MAX_POINTS_PER_STROKE,
	MAX_WIRE_BYTES,
	parseBoardWire,
	snapshotChunks,
	type Stroke
} from '../../src/lib/whiteboard/wire';

const ANA = 'ana_____________';
const BO = 'bo______________';

function stroke(overrides: Partial<Stroke> = {}): Stroke {
	return {
		id: 'stroke-01',
		authorId: ANA,
		lamport: 1,
		tool: 'pen',
		color: '#1f2430',
		width: 0.006,
		points: [0.1, 0.1, 0.5, 0.2, 0.2, 0.5],
		isDone: true,
		isHidden: false,
		...overrides
	};
}

/** Flat points along a line, as many as asked. */
const line = (count: number, y = 0.5) =>
	Array.from({ length: count }, (_, i) => [i / count, y, 0.5]).flat();

describe('board wire messages', () => {
	const start = { id: 'stroke-01', lamport: 1, tool: 'pen', color: '#1f2430', width: 0.01 };

	it('accepts each valid kind', () => {
		for (const wire of [
			{ type: 'start', stroke: { ...start, points: [0, 1, 0.5] } },
			{ type: 'points', id: 'stroke-01', at: 1, points: line(MAX_POINTS_PER_MESSAGE) },
			{ type: 'end', id: 'stroke-01' },
			{ type: 'undo', id: 'stroke-01' },
			{ type: 'redo', id: 'stroke-01' },
			{ type: 'clear', lamport: 9 },
			{ type: 'snapshot-request' },
			{ type: 'snapshot', clearedThrough: 0, strokes: [stroke()] }
		]) {
			expect(parseBoardWire(JSON.stringify(wire)), wire.type).toMatchObject({ type: wire.type });
		}
	});

	it.each([
		['not JSON', '{"type":'],
		['unknown type', '{"type":"erase-all"}'],
		['extra keys', JSON.stringify({ type: 'end', id: 'stroke-01', evil: 1 })],
		[
			'points off the board',
			JSON.stringify({ type: 'points', id: 'stroke-01', at: 1, points: [1.5, 0, 0.5] })
		],
		[
			'negative points',
			JSON.stringify({ type: 'points', id: 'stroke-01', at: 1, points: [-0.1, 0, 0.5] })
		],
		[
			'points not in threes',
			JSON.stringify({ type: 'points', id: 'stroke-01', at: 1, points: [0, 0] })
		],
		['no points', JSON.stringify({ type: 'points', id: 'stroke-01', at: 1, points: [] })],
		[
			'too many points in a batch',
			JSON.stringify({
				type: 'points',
				id: 'stroke-01',
				at: 1,
				points: line(MAX_POINTS_PER_MESSAGE + 1)
			})
		],
		[
			'a point index past the end',
			JSON.stringify({
				type: 'points',
				id: 'stroke-01',
				at: MAX_POINTS_PER_STROKE,
				points: [0, 0, 0]
			})
		],
		['strings for numbers', JSON.stringify({ type: 'clear', lamport: '9' })],
		[
			'a colour that is not a colour',
			JSON.stringify({ type: 'start', stroke: { ...start, color: 'url(x)', points: [0, 0, 0] } })
		],
		[
			'a huge width',
			JSON.stringify({ type: 'start', stroke: { ...start, width: 5, points: [0, 0, 0] } })
		],
		['an odd id', JSON.stringify({ type: 'end', id: '<img src=x>' })],
		[
			'a forged author of bad shape',
			JSON.stringify({ type: 'snapshot', clearedThrough: 0, strokes: [stroke({ authorId: 'x' })] })
		],
		[
			'oversized',
			JSON.stringify({
				type: 'snapshot',
				clearedThrough: 0,
				strokes: [stroke({ points: line(MAX_POINTS_PER_STROKE).map(() => 0.123456789) })]
			})
		]
	])('drops %s', (_label, data) => {
		expect(parseBoardWire(data)).toBeUndefined();
	});

	it('splits a full board into snapshot messages that each fit one data-channel message', () => {
		const strokes = Array.from({ length: 80 }, (_, i) =>
			stroke({
				id: `stroke-${String(i).padStart(3, '0')}`,
				points: line(MAX_POINTS_PER_STROKE).map((v) => Math.round(v * 1e4) / 1e4)
			})
		);
		const chunks = snapshotChunks(strokes);
		expect(chunks.flat()).toEqual(strokes);
		expect(chunks.length).toBeGreaterThan(1);
		for (const chunk of chunks) {
			const wire = JSON.stringify({
				type: 'snapshot',
				clearedThrough: Number.MAX_SAFE_INTEGER,
				strokes: chunk
			});
			expect(wire.length).toBeLessThanOrEqual(MAX_WIRE_BYTES);
			expect(parseBoardWire(wire)?.type).toBe('snapshot');
		}
	});
});

describe('the board model', () => {
	it('paints in Lamport order, whatever order strokes arrive in', () => {
		const one = new BoardModel();
		const two = new BoardModel();
		const strokes = [
			stroke({ id: 'stroke-03', lamport: 2, authorId: BO }),
			stroke({ id: 'stroke-01', lamport: 1 }),
			stroke({ id: 'stroke-02', lamport: 2, authorId: ANA })
		];
		for (const s of strokes) one.add(structuredClone(s));
		for (const s of [...strokes].reverse()) two.add(structuredClone(s));
		const order = (model: BoardModel) => model.strokes.map((s) => s.id);
		expect(order(one)).toEqual(['stroke-01', 'stroke-02', 'stroke-03']);
		expect(order(two)).toEqual(order(one));
		expect(one.clock).toBe(2);
	});

	it('rounds incoming points, so any stroke fits a snapshot message', () => {
		const model = new BoardModel();
		model.add(stroke({ points: [0.123456789, 0.987654321, 0.33333] }));
		expect(model.get('stroke-01')?.points).toEqual([0.1235, 0.9877, 0.33]);
	});

	it('appends only what is new, only from the author, only while the stroke is drawn', () => {
		const model = new BoardModel();
		model.add(stroke({ points: line(2), isDone: false }));
		expect(model.append('stroke-01', BO, 2, line(1))).toBe(false);
		expect(model.append('stroke-01', ANA, 1, line(3))).toBe(true);
		expect(model.get('stroke-01')?.points).toHaveLength(4 * 3);
		expect(model.totalPoints).toBe(4);
		expect(model.finish('stroke-01', BO)).toBe(false);
		expect(model.finish('stroke-01', ANA)).toBe(true);
		expect(model.append('stroke-01', ANA, 4, line(1))).toBe(false);
	});

	it('clears everything started at or before the clear, even strokes that arrive later', () => {
		const model = new BoardModel();
		model.add(stroke({ id: 'stroke-01', lamport: 3 }));
		model.add(stroke({ id: 'stroke-02', lamport: 6 }));
		model.clear(5);
		expect(model.strokes.map((s) => s.id)).toEqual(['stroke-02']);
		expect(model.add(stroke({ id: 'stroke-03', lamport: 4 }))).toBe(false);
		expect(model.add(stroke({ id: 'stroke-04', lamport: 7 }))).toBe(true);
		expect(model.totalPoints).toBe(4);
	});

	it('lets only the author undo and redo a stroke', () => {
		const model = new BoardModel();
		model.add(stroke());
		expect(model.setHidden('stroke-01', BO, true)).toBe(false);
		expect(model.setHidden('stroke-01', ANA, true)).toBe(true);
		expect(model.get('stroke-01')?.isHidden).toBe(true);
	});

	it('merges snapshots by stroke id, keeping the longest version of each', () => {
		const model = new BoardModel();
		model.add(stroke({ id: 'stroke-01', points: line(5), isDone: false }));
		const partial = stroke({ id: 'stroke-01', points: line(3), isDone: false });
		const longer = stroke({ id: 'stroke-01', points: line(8), isDone: true });
		const other = stroke({ id: 'stroke-02', lamport: 2, authorId: BO });
		model.merge(BO, 0, [partial, other]);
		model.merge(ANA, 0, [longer, other]);
		expect(model.strokes.map((s) => s.id)).toEqual(['stroke-01', 'stroke-02']);
		expect(model.get('stroke-01')).toMatchObject({ isDone: true, points: longer.points });
		expect(model.totalPoints).toBe(8 + 2);
	});

	it('takes the undone state of a known stroke from its author only', () => {
		const model = new BoardModel();
		model.add(stroke());
		model.merge(BO, 0, [stroke({ isHidden: true })]);
		expect(model.get('stroke-01')?.isHidden).toBe(false);
		model.merge(ANA, 0, [stroke({ isHidden: true })]);
		expect(model.get('stroke-01')?.isHidden).toBe(true);
	});

	it('stops taking strokes when the board is full', () => {
		const model = new BoardModel();
		let added = 0;
		for (
			let i = 0;
			model.add(stroke({ id: `stroke-${i}`, lamport: i + 1, points: line(MAX_POINTS_PER_STROKE) }));
			i++
		) {
			added++;
		}
		expect(added).toBe(MAX_BOARD_POINTS / MAX_POINTS_PER_STROKE);
		expect(model.hasRoomFor(1)).toBe(false);
		model.clear(model.clock);
		expect(model.hasRoomFor(1)).toBe(true);
	});
});

describe('undo history', () => {
	it('undoes and redoes own strokes, newest first; a new stroke ends the redo chain', () => {
		const history = new UndoHistory();
		history.record('a');
		history.record('b');
		expect(history.undo()).toBe('b');
		expect(history.undo()).toBe('a');
		expect(history.undo()).toBeUndefined();
		expect(history.redo()).toBe('a');
		history.record('c');
		expect(history.canRedo).toBe(false);
		expect(history.undo()).toBe('c');
		history.retain((id) => id !== 'a');
		expect(history.undo()).toBeUndefined();
		expect(history.redo()).toBe('c');
	});
});

describe('saving', () => {
	it('names the file by the local date', () => {
		expect(boardFileName(new Date(2025, 2, 9, 23, 59))).toBe('dropcall-board-2025-03-09.png');
	});
});
