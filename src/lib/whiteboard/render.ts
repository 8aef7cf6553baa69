/**
 * Painting strokes onto a 2D canvas. The board is painted from its strokes (never kept as
 * pixels), so undo, redo, clear and late-join snapshots only change the strokes and repaint.
 */
import { pointCount } from './model';
import { BOARD_ASPECT, VALUES_PER_POINT, type Stroke } from './wire';

/** A pen's pressure scales the width around the chosen one; 0.5 (a mouse) draws it exactly. */
export function pressureScale(pressure: number): number {
	return 0.4 + 1.2 * pressure;
}

/**
 * Scales the context so one unit is the board's width: strokes, stored as fractions of the
 * board, then paint alike on a phone and on a monitor.
 */
export function useBoardUnits(ctx: CanvasRenderingContext2D, widthPixels: number): void {
	ctx.setTransform(widthPixels, 0, 0, widthPixels, 0, 0);
}

/**
 * Paints a stroke from point `from` on (0 paints it whole), so points arriving while it is
 * drawn are painted on top without repainting the board.
 */
export function paintStroke(ctx: CanvasRenderingContext2D, stroke: Stroke, from = 0): void {
	const count = pointCount(stroke);
	if (count <= from) return;
	const { points } = stroke;
	const x = (index: number) => points[index * VALUES_PER_POINT] ?? 0;
	const y = (index: number) => (points[index * VALUES_PER_POINT + 1] ?? 0) / BOARD_ASPECT;
	const pressure = (index: number) => points[index * VALUES_PER_POINT + 2] ?? 0.5;
	ctx.save();
	ctx.globalCompositeOperation = stroke.tool === 'eraser' ? 'destination-out' : 'source-over';
	ctx.strokeStyle = stroke.color;
	ctx.fillStyle = stroke.color;
	ctx.lineCap = 'round';
	ctx.lineJoin = 'round';
	if (from === 0) {
		// A tap is a dot; for a line this is its round start.
		ctx.beginPath();
		ctx.arc(x(0), y(0), (stroke.width * pressureScale(pressure(0))) / 2, 0, Math.PI * 2);
		ctx.fill();
	}
	const isEven = Array.from({ length: count }, (_, i) => pressure(i)).every(
		(value) => value === pressure(0)
	);
	if (from === 0 && isEven && count > 1) {
		// One path joins smoothly where separate segments would show their seams.
		ctx.lineWidth = stroke.width * pressureScale(pressure(0));
		ctx.beginPath();
		ctx.moveTo(x(0), y(0));
		for (let i = 1; i < count; i++) ctx.lineTo(x(i), y(i));
		ctx.stroke();
	} else {
		for (let i = Math.max(1, from); i < count; i++) {
			ctx.lineWidth = stroke.width * pressureScale((pressure(i - 1) + pressure(i)) / 2);
			ctx.beginPath();
			ctx.moveTo(x(i - 1), y(i - 1));
			ctx.lineTo(x(i), y(i));
			ctx.stroke();
		}
	}
	ctx.restore();
}

/** Paints every visible stroke, in order, onto a cleared canvas in board units. */
export function paintBoard(
	ctx: CanvasRenderingContext2D,
	strokes: readonly Stroke[],
	widthPixels: number,
	heightPixels: number
): void {
	ctx.setTransform(1, 0, 0, 1, 0, 0);
	ctx.clearRect(0, 0, widthPixels, heightPixels);
	useBoardUnits(ctx, widthPixels);
	for (const stroke of strokes) {
		if (!stroke.isHidden) paintStroke(ctx, stroke);
	}
}
