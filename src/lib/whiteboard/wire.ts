/**
 * What peers say to each other on the board data channel, and the bounds that keep a board
 * small enough to hand to a late joiner. Everything received is checked against these
 * schemas; anything malformed or oversized is dropped before it reaches the board.
 *
 * Coordinates are normalised to the board, x and y in [0, 1] of its width and height (the
 * board has a fixed aspect ratio), so devices of any size draw the same picture. A stroke's
 * points travel flat, `[x, y, pressure, x, y, pressure, …]`, rounded to a few decimals.
 */
import * as v from 'valibot';
import { PeerIdSchema } from '../protocol';

/** Width to height: the board is letterboxed into whatever space a device gives it. */
export const BOARD_ASPECT = 16 / 10;
/** Chromium delivers data-channel messages up to 256 KiB; we stay well under it. */
export const MAX_WIRE_BYTES = 64 * 1024;
/** A longer stroke is continued as a new one, so any stroke fits one message. */
export const MAX_POINTS_PER_STROKE = 2000;
/** About 30 ms of drawing; a fast pen with coalesced events gives far fewer. */
export const MAX_POINTS_PER_MESSAGE = 256;
export const MAX_STROKES = 3000;
/** Caps the whole board (about 3 MB as a snapshot); drawing stops until someone clears it. */
export const MAX_BOARD_POINTS = 150_000;
/** Stroke widths are fractions of the board's width. */
export const MIN_STROKE_WIDTH = 0.001;
export const MAX_STROKE_WIDTH = 0.1;
export const VALUES_PER_POINT = 3;

const StrokeIdSchema = v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{8,32}$/));
const LamportSchema = v.pipe(
	v.number(),
	v.integer(),
	v.minValue(0),
	v.maxValue(Number.MAX_SAFE_INTEGER)
);
const UnitSchema = v.pipe(v.number(), v.minValue(0), v.maxValue(1));

function pointsSchema(maxPoints: number) {
	return v.pipe(
		v.array(UnitSchema),
		v.minLength(VALUES_PER_POINT),
		v.maxLength(maxPoints * VALUES_PER_POINT),
		v.check((values) => values.length % VALUES_PER_POINT === 0, 'Points come in threes')
	);
}

const strokeEntries = {
	id: StrokeIdSchema,
	/** Lamport time at the stroke's start: the order every device paints strokes in. */
	lamport: LamportSchema,
	tool: v.picklist(['pen', 'eraser']),
	color: v.pipe(v.string(), v.regex(/^#[0-9a-f]{6}$/)),
	width: v.pipe(v.number(), v.minValue(MIN_STROKE_WIDTH), v.maxValue(MAX_STROKE_WIDTH)),
	points: pointsSchema(MAX_POINTS_PER_STROKE)
};

export const NewStrokeSchema = v.strictObject(strokeEntries);
export type NewStroke = v.InferOutput<typeof NewStrokeSchema>;

/** A stroke as a snapshot carries it: who drew it and where it stands. */
export const StrokeSchema = v.strictObject({
	...strokeEntries,
	authorId: PeerIdSchema,
	isDone: v.boolean(),
	/** Undone by its author; kept so the author's redo reaches late joiners too. */
	isHidden: v.boolean()
});
export type Stroke = v.InferOutput<typeof StrokeSchema>;
export type Tool = Stroke['tool'];

export const BoardWireSchema = v.variant('type', [
	v.strictObject({ type: v.literal('start'), stroke: NewStrokeSchema }),
	v.strictObject({
		type: v.literal('points'),
		id: StrokeIdSchema,
		/** Index of the first point here within the stroke, so overlaps and gaps show. */
		at: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(MAX_POINTS_PER_STROKE - 1)),
		points: pointsSchema(MAX_POINTS_PER_MESSAGE)
	}),
	v.strictObject({ type: v.literal('end'), id: StrokeIdSchema }),
	v.strictObject({ type: v.literal('undo'), id: StrokeIdSchema }),
	v.strictObject({ type: v.literal('redo'), id: StrokeIdSchema }),
	v.strictObject({ type: v.literal('clear'), lamport: LamportSchema }),
	v.strictObject({ type: v.literal('snapshot-request') }),
	v.strictObject({
		type: v.literal('snapshot'),
		/** Strokes at or before this Lamport time were cleared away. */
		clearedThrough: LamportSchema,
		strokes: v.pipe(v.array(StrokeSchema), v.maxLength(MAX_STROKES))
	})
]);
export type BoardWire = v.InferOutput<typeof BoardWireSchema>;

/** Parses one data-channel message; undefined for anything that is not a valid board message. */
export function parseBoardWire(data: string): BoardWire | undefined {
	if (data.length > MAX_WIRE_BYTES) return undefined;
	try {
		const result = v.safeParse(BoardWireSchema, JSON.parse(data));
		return result.success ? result.output : undefined;
	} catch {
		return undefined;
	}
}

/**
 * Rounds points to what the wire carries: 1/10 000 of the board (a tenth of a pixel on a
 * 1000 px board) and pressure to 1/100. Applied to everything entering a board, so whatever
 * a peer sent, a stroke of MAX_POINTS_PER_STROKE always fits one snapshot message.
 */
export function quantize(points: readonly number[]): number[] {
	return points.map((value, index) =>
		index % VALUES_PER_POINT === 2 ? Math.round(value * 100) / 100 : Math.round(value * 1e4) / 1e4
	);
}

/** Splits a board into snapshot pieces that each fit one data-channel message. */
export function snapshotChunks(strokes: readonly Stroke[]): Stroke[][] {
	const chunks: Stroke[][] = [];
	let chunk: Stroke[] = [];
	let bytes = 96;
	for (const stroke of strokes) {
		// Board messages are ASCII, so characters are bytes.
		const size = JSON.stringify(stroke).length + 1;
		if (chunk.length > 0 && bytes + size > MAX_WIRE_BYTES) {
			chunks.push(chunk);
			chunk = [];
			bytes = 96;
		}
		chunk.push(stroke);
		bytes += size;
	}
	if (chunk.length > 0) chunks.push(chunk);
	return chunks;
}
