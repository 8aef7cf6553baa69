/**
 * One device's copy of the shared board and the protocol that keeps the copies alike.
 *
 * Every stroke is owned by its author: only the author adds points to it, finishes it, undoes
 * or redoes it (receivers check the sender against the stroke's author). Anyone may clear the
 * board, ordered by Lamport time against the strokes. A stroke travels while it is being
 * drawn: its first point at once, then the points gathered in each BATCH_MS. A late joiner
 * asks everyone already there for a snapshot and merges the answers by stroke id.
 *
 * Every peer is checked at every receiver (see guard/bounds.ts): a Lamport time may step only
 * so far past what this device has seen, a snapshot is answered once per connection and taken
 * only from someone we asked, and while a game runs only its drawer may draw or clear.
 */
import { isWithinJump } from '../guard/bounds';
import { randomId } from '../random-id';
import { UndoHistory } from './history';
import { BoardModel, pointCount } from './model';
import {
	MAX_POINTS_PER_MESSAGE,
	MAX_POINTS_PER_STROKE,
	parseBoardWire,
	quantize,
	snapshotChunks,
	VALUES_PER_POINT,
	type BoardWire,
	type Stroke,
	type Tool
} from './wire';

/** How long points gather before they go out: smooth for the others, few messages. */
export const BATCH_MS = 30;

export interface StrokeStyle {
	tool: Tool;
	color: string;
	width: number;
}

export interface BoardTransport {
	selfId(): string | undefined;
	send(peerId: string, message: string): void;
	broadcast(message: string): void;
}

/**
 * What changed, for whoever paints the board: new points at the end of one stroke can be
 * painted on top of what is there; anything else needs the board painted afresh.
 */
export type BoardChange = { kind: 'points'; id: string } | { kind: 'repaint' };

export interface BoardRules {
	/** A peer sent something no honest device sends: the person may be told. */
	onIgnored?: (peerId: string) => void;
	/** Who may start strokes and clear the board now; everyone, unless a game says otherwise. */
	mayDraw?: (peerId: string) => boolean;
}

export class BoardReplica {
	readonly model = new BoardModel();
	readonly history = new UndoHistory();
	#transport: BoardTransport;
	#onChange: (change: BoardChange, isRemote: boolean) => void;
	/** The stroke this device is drawing now and how many of its points went out. */
	#current: { id: string; sent: number } | undefined;
	#flushTimer: ReturnType<typeof setTimeout> | undefined;
	#rules: BoardRules;
	/** Peers asked for a snapshot on this connection: only their snapshots are taken. */
	#asked = new Set<string>();
	/** Peers whose snapshot request this connection has answered: a board is sent once. */
	#answered = new Set<string>();

	constructor(
		transport: BoardTransport,
		onChange: (change: BoardChange, isRemote: boolean) => void,
		rules: BoardRules = {}
	) {
		this.#transport = transport;
		this.#onChange = onChange;
		this.#rules = rules;
	}

	/** A game decides who has the pen; see BoardRules.mayDraw. */
	setDrawPolicy(mayDraw: ((peerId: string) => boolean) | undefined): void {
		this.#rules = { ...this.#rules, mayDraw };
	}

	/** Starts a stroke at one point `[x, y, pressure]`; false when the board is full. */
	begin(style: StrokeStyle, point: readonly number[]): boolean {
		const selfId = this.#transport.selfId();
		this.end();
		if (!selfId || point.length !== VALUES_PER_POINT) return false;
		const stroke: Stroke = {
			id: randomId(),
			authorId: selfId,
			lamport: this.model.clock + 1,
			...style,
			points: quantize(point),
			isDone: false,
			isHidden: false
		};
		if (!this.model.add(stroke)) return false;
		this.history.record(stroke.id);
		this.#current = { id: stroke.id, sent: 1 };
		const { id, lamport, tool, color, width, points } = stroke;
		this.#broadcast({ type: 'start', stroke: { id, lamport, tool, color, width, points } });
		this.#onChange({ kind: 'points', id }, false);
		return true;
	}

	/** Adds points (flat triples) to the stroke being drawn, continuing it when it is long. */
	extend(points: readonly number[]): void {
		let rest = points.slice(0, points.length - (points.length % VALUES_PER_POINT));
		while (rest.length > 0 && this.#current) {
			const stroke = this.model.get(this.#current.id);
			// Cleared away by someone while we were drawing: the rest of this line is lost.
			if (!stroke) return this.#stop();
			const room = (MAX_POINTS_PER_STROKE - pointCount(stroke)) * VALUES_PER_POINT;
			if (room <= 0) {
				// The next stroke starts where this one stopped, so the line runs on unbroken.
				const { tool, color, width } = stroke;
				if (!this.begin({ tool, color, width }, stroke.points.slice(-VALUES_PER_POINT))) return;
				continue;
			}
			const batch = rest.slice(0, room);
			rest = rest.slice(room);
			if (!this.model.append(stroke.id, stroke.authorId, pointCount(stroke), batch)) return;
			this.#flushTimer ??= setTimeout(() => this.#flush(), BATCH_MS);
			this.#onChange({ kind: 'points', id: stroke.id }, false);
		}
	}

	end(): void {
		const current = this.#current;
		if (!current) return;
		this.#flush();
		this.#stop();
		const stroke = this.model.get(current.id);
		if (!stroke || !this.model.finish(stroke.id, stroke.authorId)) return;
		this.#broadcast({ type: 'end', id: stroke.id });
		this.#onChange({ kind: 'repaint' }, false);
	}

	undo(): void {
		if (this.#current) return;
		const id = this.history.undo();
		const selfId = this.#transport.selfId();
		if (!id || !selfId || !this.model.setHidden(id, selfId, true)) return;
		this.#broadcast({ type: 'undo', id });
		this.#onChange({ kind: 'repaint' }, false);
	}

	redo(): void {
		if (this.#current) return;
		const id = this.history.redo();
		const selfId = this.#transport.selfId();
		if (!id || !selfId || !this.model.setHidden(id, selfId, false)) return;
		this.#broadcast({ type: 'redo', id });
		this.#onChange({ kind: 'repaint' }, false);
	}

	/** Clears the board for everyone. */
	clear(): void {
		const lamport = this.model.tick();
		this.model.clear(lamport);
		this.history.retain((id) => this.model.get(id) !== undefined);
		this.#broadcast({ type: 'clear', lamport });
		this.#onChange({ kind: 'repaint' }, false);
	}

	/**
	 * A connection's board channel opened: a newcomer asks each person already there. A new
	 * connection to someone (after a drop) may ask us again, once.
	 */
	requestSnapshot(peerId: string): void {
		this.#asked.add(peerId);
		this.#answered.delete(peerId);
		this.#transport.send(peerId, JSON.stringify({ type: 'snapshot-request' } satisfies BoardWire));
	}

	/** Someone left: nothing of theirs is awaited or owed any more. */
	forget(peerId: string): void {
		this.#asked.delete(peerId);
		this.#answered.delete(peerId);
	}

	receive(senderId: string, data: string): void {
		const wire = parseBoardWire(data);
		if (!wire || !this.#isWithinBounds(senderId, wire)) {
			this.#rules.onIgnored?.(senderId);
			return;
		}
		const { model } = this;
		switch (wire.type) {
			case 'start': {
				if (!this.#mayDraw(senderId)) break;
				const stroke = { ...wire.stroke, authorId: senderId, isDone: false, isHidden: false };
				if (model.add(stroke)) this.#onChange({ kind: 'points', id: stroke.id }, true);
				break;
			}
			case 'points':
				if (model.append(wire.id, senderId, wire.at, wire.points)) {
					this.#onChange({ kind: 'points', id: wire.id }, true);
				}
				break;
			case 'end':
				if (model.finish(wire.id, senderId)) this.#onChange({ kind: 'repaint' }, true);
				break;
			case 'undo':
			case 'redo':
				if (model.setHidden(wire.id, senderId, wire.type === 'undo')) {
					this.#onChange({ kind: 'repaint' }, true);
				}
				break;
			case 'clear':
			case 'snapshot': {
				if (wire.type === 'clear' ? !this.#mayDraw(senderId) : !this.#asked.has(senderId)) break;
				const changed =
					wire.type === 'clear'
						? model.clear(wire.lamport)
						: model.merge(
								senderId,
								wire.clearedThrough,
								wire.strokes.filter((stroke) => this.#mayDraw(stroke.authorId))
							);
				if (!changed) break;
				this.history.retain((id) => model.get(id) !== undefined);
				this.#onChange({ kind: 'repaint' }, true);
				break;
			}
			case 'snapshot-request':
				// A board can be megabytes: a 27-byte request must not buy it twice.
				if (this.#answered.has(senderId)) break;
				this.#answered.add(senderId);
				this.#sendSnapshot(senderId);
				break;
		}
	}

	#mayDraw(peerId: string): boolean {
		return this.#rules.mayDraw?.(peerId) ?? true;
	}

	/** No Lamport time may leap past this device's clock (see guard/bounds.ts). */
	#isWithinBounds(senderId: string, wire: BoardWire): boolean {
		const seen = this.model.clock;
		switch (wire.type) {
			case 'start':
				return isWithinJump(seen, wire.stroke.lamport);
			case 'clear':
				return isWithinJump(seen, wire.lamport);
			case 'snapshot':
				return (
					!this.#asked.has(senderId) ||
					(isWithinJump(seen, wire.clearedThrough) &&
						wire.strokes.every((stroke) => isWithinJump(seen, stroke.lamport)))
				);
			default:
				return true;
		}
	}

	dispose(): void {
		clearTimeout(this.#flushTimer);
		this.#flushTimer = undefined;
		this.#current = undefined;
	}

	#sendSnapshot(peerId: string): void {
		const chunks = snapshotChunks(this.model.strokes);
		// An empty board still tells the newcomer what was cleared.
		for (const strokes of chunks.length > 0 ? chunks : [[]]) {
			const wire: BoardWire = {
				type: 'snapshot',
				clearedThrough: this.model.clearedThrough,
				strokes
			};
			this.#transport.send(peerId, JSON.stringify(wire));
		}
	}

	#flush(): void {
		clearTimeout(this.#flushTimer);
		this.#flushTimer = undefined;
		const current = this.#current;
		const stroke = current && this.model.get(current.id);
		if (!current || !stroke) return;
		const total = pointCount(stroke);
		while (current.sent < total) {
			const count = Math.min(MAX_POINTS_PER_MESSAGE, total - current.sent);
			const points = stroke.points.slice(
				current.sent * VALUES_PER_POINT,
				(current.sent + count) * VALUES_PER_POINT
			);
			this.#broadcast({ type: 'points', id: stroke.id, at: current.sent, points });
			current.sent += count;
		}
	}

	#stop(): void {
		clearTimeout(this.#flushTimer);
		this.#flushTimer = undefined;
		this.#current = undefined;
	}

	#broadcast(wire: BoardWire): void {
		this.#transport.broadcast(JSON.stringify(wire));
	}
}
