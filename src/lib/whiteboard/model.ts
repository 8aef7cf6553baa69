/**
 * The board as data: every stroke, painted in Lamport order so every device stacks
 * overlapping strokes (and erasers) alike, whatever order the messages arrived in.
 * A clear at Lamport time L removes every stroke started at or before L, on every device,
 * including a stroke that arrives later but was started before the clear.
 */
import {
	MAX_BOARD_POINTS,
	MAX_POINTS_PER_STROKE,
	MAX_STROKES,
	quantize,
	VALUES_PER_POINT,
	type Stroke
} from './wire';

export function compareStrokes(a: Stroke, b: Stroke): number {
	return (
		a.lamport - b.lamport ||
		(a.authorId < b.authorId ? -1 : a.authorId > b.authorId ? 1 : 0) ||
		(a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
	);
}

export function pointCount(stroke: Pick<Stroke, 'points'>): number {
	return stroke.points.length / VALUES_PER_POINT;
}

export class BoardModel {
	/** The latest Lamport time seen; a local stroke or clear takes the next one. */
	clock = 0;
	clearedThrough = 0;
	#strokes = new Map<string, Stroke>();
	#ordered: Stroke[] | undefined;
	#points = 0;

	/** Every stroke, hidden ones too, in painting order. */
	get strokes(): readonly Stroke[] {
		this.#ordered ??= [...this.#strokes.values()].sort(compareStrokes);
		return this.#ordered;
	}

	get totalPoints(): number {
		return this.#points;
	}

	get(id: string): Stroke | undefined {
		return this.#strokes.get(id);
	}

	/** Whether `points` more points still fit on the board. */
	hasRoomFor(points: number): boolean {
		return this.#strokes.size < MAX_STROKES && this.#points + points <= MAX_BOARD_POINTS;
	}

	tick(): number {
		return ++this.clock;
	}

	observe(lamport: number): void {
		this.clock = Math.max(this.clock, lamport);
	}

	/** Adds a new stroke; false when it is known, was cleared, or the board is full. */
	add(stroke: Stroke): boolean {
		this.observe(stroke.lamport);
		if (this.#strokes.has(stroke.id) || stroke.lamport <= this.clearedThrough) return false;
		const points = quantize(stroke.points.slice(0, MAX_POINTS_PER_STROKE * VALUES_PER_POINT));
		if (!this.hasRoomFor(points.length / VALUES_PER_POINT)) return false;
		this.#strokes.set(stroke.id, { ...stroke, points });
		this.#points += points.length / VALUES_PER_POINT;
		this.#ordered = undefined;
		return true;
	}

	/**
	 * Adds points to a stroke in progress, starting at point index `at`. A batch that overlaps
	 * what we have (a snapshot raced it) adds only what is new; a gap (a batch lost while a
	 * channel was still opening) is bridged with a straight line.
	 */
	append(id: string, authorId: string, at: number, points: readonly number[]): boolean {
		const stroke = this.#strokes.get(id);
		if (!stroke || stroke.authorId !== authorId || stroke.isDone) return false;
		const have = pointCount(stroke);
		const skip = Math.max(0, have - at) * VALUES_PER_POINT;
		const room = (MAX_POINTS_PER_STROKE - have) * VALUES_PER_POINT;
		const fresh = quantize(points.slice(skip, skip + Math.max(0, room)));
		if (fresh.length === 0 || !this.hasRoomFor(fresh.length / VALUES_PER_POINT)) return false;
		stroke.points = [...stroke.points, ...fresh];
		this.#points += fresh.length / VALUES_PER_POINT;
		return true;
	}

	finish(id: string, authorId: string): boolean {
		const stroke = this.#strokes.get(id);
		if (!stroke || stroke.authorId !== authorId || stroke.isDone) return false;
		stroke.isDone = true;
		return true;
	}

	/** Undo and redo: only a stroke's author may hide or show it. */
	setHidden(id: string, authorId: string, isHidden: boolean): boolean {
		const stroke = this.#strokes.get(id);
		if (!stroke || stroke.authorId !== authorId || stroke.isHidden === isHidden) return false;
		stroke.isHidden = isHidden;
		return true;
	}

	clear(lamport: number): boolean {
		this.observe(lamport);
		if (lamport <= this.clearedThrough) return false;
		this.clearedThrough = lamport;
		let removed = false;
		for (const [id, stroke] of this.#strokes) {
			if (stroke.lamport > lamport) continue;
			this.#strokes.delete(id);
			this.#points -= pointCount(stroke);
			removed = true;
		}
		if (removed) this.#ordered = undefined;
		return true;
	}

	/**
	 * Takes in one piece of a snapshot from `senderId`. Several people answer a late joiner,
	 * so strokes merge by id: the longest version of a stroke wins (a snapshot may be older
	 * than the live points we already have), and only the author's word settles whether a
	 * stroke we already know is undone.
	 */
	merge(senderId: string, clearedThrough: number, strokes: readonly Stroke[]): boolean {
		let changed = this.clear(clearedThrough);
		for (const incoming of strokes) {
			this.observe(incoming.lamport);
			const known = this.#strokes.get(incoming.id);
			if (!known) {
				changed = this.add(structuredClone(incoming)) || changed;
				continue;
			}
			if (known.authorId !== incoming.authorId) continue;
			const extra = pointCount(incoming) - pointCount(known);
			if (extra > 0 && this.hasRoomFor(extra)) {
				known.points = quantize(incoming.points);
				this.#points += extra;
				changed = true;
			}
			if (incoming.isDone && !known.isDone) {
				known.isDone = true;
				changed = true;
			}
			if (senderId === incoming.authorId && known.isHidden !== incoming.isHidden) {
				known.isHidden = incoming.isHidden;
				changed = true;
			}
		}
		return changed;
	}
}
