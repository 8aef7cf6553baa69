/** "Save board": the board as a PNG on a white background, as everyone sees it. */
import { paintBoard } from './render';
import { BOARD_ASPECT, type Stroke } from './wire';

const SAVED_WIDTH_PIXELS = 1920;

/** `dropcall-board-2025-03-09.png`, in the saver's own calendar. */
export function boardFileName(date: Date = new Date()): string {
	const pad = (value: number) => String(value).padStart(2, '0');
	return `dropcall-board-${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}.png`;
}

export async function boardPng(strokes: readonly Stroke[]): Promise<Blob> {
	const width = SAVED_WIDTH_PIXELS;
	const height = Math.round(width / BOARD_ASPECT);
	// Erasers cut through to transparency, so the strokes go on their own layer first.
	const layer = document.createElement('canvas');
	layer.width = width;
	layer.height = height;
	const layerContext = layer.getContext('2d');
	const output = document.createElement('canvas');
	output.width = width;
	output.height = height;
	const context = output.getContext('2d');
	if (!layerContext || !context) throw new Error('This browser cannot draw images');
	paintBoard(layerContext, strokes, width, height);
	context.fillStyle = '#ffffff';
	context.fillRect(0, 0, width, height);
	context.drawImage(layer, 0, 0);
	return new Promise((resolve, reject) =>
		output.toBlob(
			(blob) => (blob ? resolve(blob) : reject(new Error('Could not make the image'))),
			'image/png'
		)
	);
}

export async function saveBoard(strokes: readonly Stroke[]): Promise<void> {
	const url = URL.createObjectURL(await boardPng(strokes));
	const link = document.createElement('a');
	link.href = url;
	link.download = boardFileName();
	document.body.append(link);
	link.click();
	link.remove();
	// The download has its own copy once it started; give slow browsers a moment.
	setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
