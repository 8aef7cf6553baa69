import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { MAX_CLOCK_JUMP } from '../../src/lib/guard/bounds';
import { BoardReplica } from '../../src/lib/whiteboard/replica';
import { parseBoardWire, type Stroke } from '../../src/lib/whiteboard/wire';
import { mutationsOf, RUNS, Tally } from './hostile';

const SELF = 'self_'.padEnd(16, '_');
const HONEST = 'hana_'.padEnd(16, '_');
const MALLORY = 'mallory'.padEnd(16, '_');
const tally = new Tally('board');

afterAll(() => tally.print());

const newStroke = (overrides: Partial<Stroke> = {}) => ({
	id: 'stroke0001',
	lamport: 4,
	tool: 'pen' as const,
	color: '#e03131',
	width: 0.006,
	points: [0.1, 0.1, 0.5],
	...overrides
});

/** This device's board with honest strokes on it; `drawer` limits who may draw (a game). */
function seeded(drawer?: string) {
	const sent: { to: string; data: string }[] = [];
	const ignored: string[] = [];
	const replica = new BoardReplica(
		{
			selfId: () => SELF,
			send: (to, data) => sent.push({ to, data }),
			broadcast: (data) => sent.push({ to: '*', data })
		},
		() => {},
		{
			onIgnored: (id) => ignored.push(id),
			mayDraw: (id) => drawer === undefined || id === drawer
		}
	);
	for (let i = 1; i <= 3; i++) {
		const stroke = newStroke({ id: `honest000${i}`, lamport: i });
		replica.receive(HONEST, JSON.stringify({ type: 'start', stroke }));
	}
	// Mallory's own stroke in progress, so points, end, undo and redo have something to hit.
	replica.receive(
		MALLORY,
		JSON.stringify({ type: 'start', stroke: newStroke({ id: 'mallory001', lamport: 3 }) })
	);
	sent.length = 0;
	return { replica, sent, ignored };
}

const stateOf = (replica: BoardReplica) =>
	JSON.stringify([replica.model.strokes, replica.model.clock, replica.model.clearedThrough]);

function expectHonestStrokeShows(replica: BoardReplica, author = HONEST): void {
	const lamport = replica.model.clock + 1;
	const stroke = newStroke({ id: 'honest-after', lamport });
	replica.receive(author, JSON.stringify({ type: 'start', stroke }));
	expect(replica.model.get('honest-after')).toBeDefined();
}

const templates = {
	start: { type: 'start', stroke: newStroke() },
	points: { type: 'points', id: 'mallory001', at: 1, points: [0.2, 0.2, 0.5] },
	end: { type: 'end', id: 'mallory001' },
	undo: { type: 'undo', id: 'mallory001' },
	redo: { type: 'redo', id: 'mallory001' },
	clear: { type: 'clear', lamport: 9 },
	'snapshot-request': { type: 'snapshot-request' },
	snapshot: {
		type: 'snapshot',
		clearedThrough: 0,
		strokes: [{ ...newStroke(), authorId: MALLORY, isDone: true, isHidden: false }]
	}
};

describe('malformed board messages', () => {
	it.each(Object.entries(templates))('drops a malformed %s without a change', (type, template) => {
		fc.assert(
			fc.property(
				mutationsOf(template).filter((data) => parseBoardWire(data) === undefined),
				(data) => {
					tally.count(`${type} (malformed)`);
					const { replica, sent, ignored } = seeded();
					const before = stateOf(replica);
					expect(() => replica.receive(MALLORY, data)).not.toThrow();
					expect(stateOf(replica)).toBe(before);
					expect(sent).toEqual([]);
					expect(ignored).toEqual([MALLORY]);
				}
			),
			{ numRuns: RUNS }
		);
	});
});

describe('hostile but well-formed board messages', () => {
	const jumps = fc.oneof(
		fc.constant(Number.MAX_SAFE_INTEGER),
		fc.integer({ min: 4 + MAX_CLOCK_JUMP + 1, max: Number.MAX_SAFE_INTEGER })
	);

	it.each(['start', 'clear', 'snapshot'] as const)(
		'drops a %s whose Lamport time jumps too far',
		(type) => {
			fc.assert(
				fc.property(jumps, (lamport) => {
					tally.count(`${type} (clock jump)`);
					const { replica, ignored } = seeded();
					if (type === 'snapshot') replica.requestSnapshot(MALLORY);
					const before = stateOf(replica);
					const stroke = newStroke({ id: 'jumper0001', lamport });
					const wire =
						type === 'start'
							? { type, stroke }
							: type === 'clear'
								? { type, lamport }
								: {
										type,
										clearedThrough: lamport,
										strokes: [{ ...stroke, authorId: MALLORY, isDone: true, isHidden: false }]
									};
					replica.receive(MALLORY, JSON.stringify(wire));
					expect(stateOf(replica)).toBe(before);
					expect(ignored).toEqual([MALLORY]);
					expectHonestStrokeShows(replica);
				}),
				{ numRuns: RUNS }
			);
		}
	);

	it('takes strokes and clears only from whoever may draw (the drawer in a game)', () => {
		const moves = fc.oneof(
			newStrokeArbitrary().map((stroke) => ({ type: 'start', stroke })),
			fc.integer({ min: 1, max: 100 }).map((lamport) => ({ type: 'clear', lamport }))
		);
		fc.assert(
			fc.property(moves, (wire) => {
				tally.count(`${wire.type} (not the drawer)`);
				const { replica } = seeded(HONEST);
				const before = stateOf(replica);
				replica.receive(MALLORY, JSON.stringify(wire));
				expect(stateOf(replica)).toBe(before);
				expectHonestStrokeShows(replica, HONEST);
			}),
			{ numRuns: RUNS }
		);
	});

	it('lets nobody extend, finish, undo or redo a stroke that is not theirs', () => {
		const moves = fc.oneof(
			fc.constant({ type: 'end', id: 'honest0001' }),
			fc.constant({ type: 'undo', id: 'honest0002' }),
			fc.constant({ type: 'redo', id: 'honest0003' }),
			fc.integer({ min: 1, max: 1999 }).map((at) => ({
				type: 'points',
				id: 'honest0001',
				at,
				points: [0.3, 0.3, 0.5]
			}))
		);
		fc.assert(
			fc.property(moves, (wire) => {
				tally.count(`${wire.type} (someone else's stroke)`);
				const { replica } = seeded();
				const before = stateOf(replica);
				replica.receive(MALLORY, JSON.stringify(wire));
				expect(stateOf(replica)).toBe(before);
			}),
			{ numRuns: RUNS }
		);
	});

	it('answers a snapshot request once per connection', () => {
		fc.assert(
			fc.property(fc.integer({ min: 2, max: 50 }), (requests) => {
				tally.count('snapshot-request (repeated)');
				const { replica, sent } = seeded();
				replica.requestSnapshot(MALLORY);
				sent.length = 0;
				for (let i = 0; i < requests; i++) replica.receive(MALLORY, '{"type":"snapshot-request"}');
				expect(sent.filter((s) => s.to === MALLORY)).toHaveLength(1);
			}),
			{ numRuns: RUNS }
		);
	});

	it('takes no snapshot it did not ask for', () => {
		fc.assert(
			fc.property(newStrokeArbitrary(), (stroke) => {
				tally.count('snapshot (unasked)');
				const { replica } = seeded();
				const before = stateOf(replica);
				const strokes = [{ ...stroke, authorId: HONEST, isDone: true, isHidden: false }];
				replica.receive(MALLORY, JSON.stringify({ type: 'snapshot', clearedThrough: 2, strokes }));
				expect(stateOf(replica)).toBe(before);
			}),
			{ numRuns: RUNS }
		);
	});
});

function newStrokeArbitrary() {
	return fc.record({
		id: fc.stringMatching(/^[A-Za-z0-9_-]{8,32}$/),
		lamport: fc.integer({ min: 5, max: 100 }),
		tool: fc.constantFrom('pen' as const, 'eraser' as const),
		color: fc.constant('#1f2430'),
		width: fc.double({ min: 0.001, max: 0.1, noNaN: true }),
		points: fc
			.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 1, maxLength: 20 })
			.map((values) => values.flatMap((value) => [value, value, 0.5]))
	});
}
