/**
 * The room's shared whiteboard, peer to peer over each connection's board channel; the
 * server never sees a stroke. The replica keeps the strokes and the protocol; this class
 * connects it to the call, holds this device's tool choices, and tells the canvas what to
 * paint.
 */
import { createContext } from 'svelte';
import type { Mesh } from '../call/mesh.svelte';
import { IgnoredSender } from '../guard/ignored.svelte';
import type { RoomSession } from '../room/session.svelte';
import { BoardReplica, type BoardChange } from './replica';
import { saveBoard } from './save';
import type { Stroke, Tool } from './wire';

/** Colours that read well on the white board; components name them for people. */
export const PALETTE = [
	{ id: 'black', value: '#1f2430' },
	{ id: 'red', value: '#e03131' },
	{ id: 'orange', value: '#f76707' },
	{ id: 'yellow', value: '#f5b800' },
	{ id: 'green', value: '#2f9e44' },
	{ id: 'blue', value: '#1c7ed6' },
	{ id: 'purple', value: '#7048e8' },
	{ id: 'brown', value: '#8d5a3b' }
] as const;

/** Stroke widths as fractions of the board's width: 4 to 30 px on a 1280 px board. */
export const WIDTHS = [
	{ id: 'thin', value: 0.003 },
	{ id: 'medium', value: 0.006 },
	{ id: 'thick', value: 0.012 },
	{ id: 'extraThick', value: 0.024 }
] as const;

/** An eraser is wider than the pen it cleans up after. */
const ERASER_SCALE = 3;

export class Whiteboard {
	tool = $state<Tool>('pen');
	color = $state<string>(PALETTE[0].value);
	width = $state<number>(WIDTHS[1].value);
	/** Someone drew while this device had the board closed. */
	hasUnseen = $state(false);
	canUndo = $state(false);
	canRedo = $state(false);
	isEmpty = $state(true);
	isFull = $state(false);
	#isOpen = $state(false);
	/** Someone whose board message was dropped, for a calm notice. */
	readonly ignored: IgnoredSender;

	#replica: BoardReplica;
	#painters = new Set<(change: BoardChange) => void>();
	#knownPeers = new Set<string>();
	#stop: (() => void)[];

	constructor(session: RoomSession, mesh: Mesh) {
		this.ignored = new IgnoredSender(session);
		this.#replica = new BoardReplica(
			{
				selfId: () => session.self?.id,
				send: (peerId, message) => void mesh.send(peerId, 'board', message),
				broadcast: (message) => void mesh.broadcast('board', message)
			},
			(change, isRemote) => this.#changed(change, isRemote),
			{ onIgnored: (peerId) => this.ignored.note(peerId) }
		);
		this.#stop = [
			mesh.onMessage('board', (peer, data) => this.#replica.receive(peer.id, data)),
			// A newcomer asks the people already there for the board so far. They ask the
			// newcomer too: its answer is all but empty, but when a connection comes back
			// after a drop, both sides learn what the other drew in between.
			mesh.onChannelOpen('board', (peer) => this.#replica.requestSnapshot(peer.id)),
			session.onPresence(() => {
				const present = new Set(session.peers.map((peer) => peer.id));
				for (const peerId of this.#knownPeers) {
					if (!present.has(peerId)) this.#replica.forget(peerId);
				}
				this.#knownPeers = present;
				// Back under a new id, strokes drawn under the old one are no longer ours to undo.
				const { history, model } = this.#replica;
				history.retain((id) => model.get(id)?.authorId === session.self?.id);
				this.canUndo = history.canUndo;
				this.canRedo = history.canRedo;
			})
		];
	}

	get isOpen(): boolean {
		return this.#isOpen;
	}

	set isOpen(isOpen: boolean) {
		this.#isOpen = isOpen;
		if (isOpen) this.hasUnseen = false;
	}

	/** Every stroke in painting order, hidden (undone) ones too. */
	get strokes(): readonly Stroke[] {
		return this.#replica.model.strokes;
	}

	getStroke(id: string): Stroke | undefined {
		return this.#replica.model.get(id);
	}

	/** While a game runs, it says who has the pen; other people's strokes are then dropped. */
	setDrawPolicy(mayDraw: ((peerId: string) => boolean) | undefined): void {
		this.#replica.setDrawPolicy(mayDraw);
	}

	/** For whoever paints the board: called on every change, until the returned stop. */
	onChange(painter: (change: BoardChange) => void): () => void {
		this.#painters.add(painter);
		return () => this.#painters.delete(painter);
	}

	/**
	 * Starts a stroke at `[x, y, pressure]` with the current tool, or with `tool` (a pen's
	 * eraser end); false if the board is full.
	 */
	begin(point: number[], tool: Tool = this.tool): boolean {
		const width = tool === 'eraser' ? this.width * ERASER_SCALE : this.width;
		const isStarted = this.#replica.begin({ tool, color: this.color, width }, point);
		this.isFull = !isStarted && !this.#replica.model.hasRoomFor(1);
		return isStarted;
	}

	extend(points: number[]): void {
		this.#replica.extend(points);
	}

	end(): void {
		this.#replica.end();
	}

	undo(): void {
		this.#replica.undo();
	}

	redo(): void {
		this.#replica.redo();
	}

	/** Clears the board for everyone in the room. */
	clear(): void {
		this.#replica.end();
		this.#replica.clear();
	}

	save(): Promise<void> {
		return saveBoard(this.strokes);
	}

	dispose(): void {
		for (const stop of this.#stop) stop();
		this.#replica.dispose();
		this.#painters.clear();
	}

	#changed(change: BoardChange, isRemote: boolean): void {
		for (const painter of this.#painters) painter(change);
		const { history, model } = this.#replica;
		this.canUndo = history.canUndo;
		this.canRedo = history.canRedo;
		if (change.kind === 'repaint' || this.isEmpty) {
			this.isEmpty = !model.strokes.some((stroke) => !stroke.isHidden);
			this.isFull = !model.hasRoomFor(1);
		}
		if (isRemote && !this.#isOpen && !this.isEmpty) this.hasUnseen = true;
	}
}

export const [getWhiteboard, setWhiteboard] = createContext<Whiteboard>();
