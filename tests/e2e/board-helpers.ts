/** Looking at and drawing on the whiteboard, for the whiteboard and game tests. */
import { expect, type Page } from '@playwright/test';
import { showControl, tile } from './helpers';

export function board(page: Page) {
	return page.getByRole('img', { name: 'Whiteboard', exact: true });
}

/** The call with this person is up (their tile no longer says it is connecting). */
export async function expectConnected(page: Page, name: string): Promise<void> {
	await expect(tile(page, name)).toBeVisible();
	await expect(tile(page, name).getByRole('status')).toHaveCount(0, { timeout: 20_000 });
}

export async function openWhiteboard(page: Page): Promise<void> {
	const button = await showControl(page, 'Whiteboard');
	if ((await button.getAttribute('aria-pressed')) !== 'true') await button.click();
	await expect(board(page)).toBeVisible();
}

/** Painted (not transparent) pixels on the board's canvas. */
export function inkPixels(page: Page): Promise<number> {
	return board(page)
		.locator('canvas')
		.evaluate((canvas: HTMLCanvasElement) => {
			const context = canvas.getContext('2d');
			if (!context) return -1;
			const { data } = context.getImageData(0, 0, canvas.width, canvas.height);
			let count = 0;
			for (let i = 3; i < data.length; i += 4) if ((data[i] ?? 0) > 0) count++;
			return count;
		});
}

/** Whether there is ink around a point given as fractions of the board (devices differ in size). */
export function inkAt(page: Page, x: number, y: number): Promise<boolean> {
	return board(page)
		.locator('canvas')
		.evaluate(
			(canvas: HTMLCanvasElement, { x, y }) => {
				const context = canvas.getContext('2d');
				if (!context) return false;
				const left = Math.round(x * canvas.width) - 2;
				const top = Math.round(y * canvas.height) - 2;
				const { data } = context.getImageData(left, top, 5, 5);
				for (let i = 3; i < data.length; i += 4) if ((data[i] ?? 0) > 0) return true;
				return false;
			},
			{ x, y }
		);
}

async function boardPoint(page: Page, [x, y]: [number, number]): Promise<[number, number]> {
	const box = await board(page).boundingBox();
	if (!box) throw new Error('The whiteboard is not showing');
	return [box.x + x * box.width, box.y + y * box.height];
}

/**
 * Draws a straight line with the mouse between two points given as fractions of the board.
 * With `release: false` the button stays down, the stroke still being drawn.
 */
export async function drawLine(
	page: Page,
	from: [number, number],
	to: [number, number],
	{ release = true } = {}
): Promise<void> {
	await page.mouse.move(...(await boardPoint(page, from)));
	await page.mouse.down();
	await page.mouse.move(...(await boardPoint(page, to)), { steps: 16 });
	if (release) await page.mouse.up();
}

/** Draws with a finger: real touch events, as a phone sends them. */
export async function drawWithFinger(
	page: Page,
	from: [number, number],
	to: [number, number]
): Promise<void> {
	const cdp = await page.context().newCDPSession(page);
	const [x0, y0] = await boardPoint(page, from);
	const [x1, y1] = await boardPoint(page, to);
	await cdp.send('Input.dispatchTouchEvent', {
		type: 'touchStart',
		touchPoints: [{ x: x0, y: y0 }]
	});
	for (let step = 1; step <= 12; step++) {
		const share = step / 12;
		await cdp.send('Input.dispatchTouchEvent', {
			type: 'touchMove',
			touchPoints: [{ x: x0 + (x1 - x0) * share, y: y0 + (y1 - y0) * share }]
		});
	}
	await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
	await cdp.detach();
}
