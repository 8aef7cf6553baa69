/**
 * Keeps one canvas showing the board: new points of strokes being drawn are painted on top
 * as they come, at most once a frame; anything else (a finished stroke, undo, clear, a
 * snapshot, a new size) repaints the whole board from its strokes, which also puts strokes
 * drawn at the same moment by different people back into their agreed order.
 */
import { pointCount } from './model';
import { paintBoard, paintStroke, useBoardUnits } from './render';
import type { BoardChange } from './replica';
import type { Stroke } from './wire';

export interface StrokeSource {
	readonly strokes: readonly Stroke[];
	getStroke(id: string): Stroke | undefined;
}

export class BoardPainter {
	#canvas: HTMLCanvasElement;
	#context: CanvasRenderingContext2D | null;
	#source: StrokeSource;
	/** How many points of each stroke are on the canvas already. */
	#painted = new Map<string, number>();
	#growing = new Set<string>();
	#needsRepaint = true;
	#frame: number | undefined;

	constructor(canvas: HTMLCanvasElement, source: StrokeSource) {
		this.#canvas = canvas;
		this.#context = canvas.getContext('2d');
		this.#source = source;
	}

	/** Sizes the canvas for sharp lines on this screen, then repaints at once. */
	resize(cssWidth: number, cssHeight: number, pixelRatio: number): void {
		this.#canvas.width = Math.max(1, Math.round(cssWidth * pixelRatio));
		this.#canvas.height = Math.max(1, Math.round(cssHeight * pixelRatio));
		this.#needsRepaint = true;
		this.#paint();
	}

	changed(change: BoardChange): void {
		if (change.kind === 'repaint') this.#needsRepaint = true;
		else this.#growing.add(change.id);
		this.#frame ??= requestAnimationFrame(() => {
			this.#frame = undefined;
			this.#paint();
		});
	}

	dispose(): void {
		if (this.#frame !== undefined) cancelAnimationFrame(this.#frame);
		this.#frame = undefined;
	}

	#paint(): void {
		const context = this.#context;
		if (!context) return;
		if (this.#needsRepaint) {
			const strokes = this.#source.strokes;
			paintBoard(context, strokes, this.#canvas.width, this.#canvas.height);
			this.#painted = new Map(strokes.map((stroke) => [stroke.id, pointCount(stroke)]));
			this.#needsRepaint = false;
			this.#growing.clear();
			return;
		}
		useBoardUnits(context, this.#canvas.width);
		for (const id of this.#growing) {
			const stroke = this.#source.getStroke(id);
			if (!stroke || stroke.isHidden) continue;
			paintStroke(context, stroke, this.#painted.get(id) ?? 0);
			this.#painted.set(id, pointCount(stroke));
		}
		this.#growing.clear();
	}
}
