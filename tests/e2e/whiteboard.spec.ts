import { readFile } from 'node:fs/promises';
import { expect, test } from '@playwright/test';
import {
	board,
	drawLine,
	drawWithFinger,
	expectConnected,
	inkAt,
	inkPixels,
	openWhiteboard
} from './board-helpers';
import { createRoom, joinRoom, screenshot, showControl } from './helpers';

const desktop = { viewport: { width: 1280, height: 800 } };
const phone = { viewport: { width: 390, height: 844 }, hasTouch: true };

test('strokes reach everyone as they are drawn, late joiners get the board, clear clears it everywhere', async ({
	browser
}) => {
	test.setTimeout(120_000);
	const anaContext = await browser.newContext(desktop);
	const boContext = await browser.newContext(desktop);
	const ana = await anaContext.newPage();
	const bo = await boContext.newPage();
	const link = await createRoom(ana, { name: 'Ana' });
	await ana.getByRole('button', { name: 'Join' }).click();
	await joinRoom(bo, link, 'Bo');
	await expectConnected(ana, 'Bo');
	await expectConnected(bo, 'Ana');

	await openWhiteboard(ana);
	await openWhiteboard(bo);
	expect(await inkPixels(bo)).toBe(0);
	await expect(ana.getByRole('button', { name: 'Undo' })).toBeDisabled();
	await expect(ana.getByRole('button', { name: 'Clear board' })).toBeDisabled();

	// Bo sees Ana's line while her button is still down: points travel as they are drawn.
	await drawLine(ana, [0.1, 0.5], [0.9, 0.5], { release: false });
	await expect.poll(() => inkAt(bo, 0.5, 0.5)).toBe(true);
	await expect.poll(() => inkAt(bo, 0.85, 0.5)).toBe(true);
	await ana.mouse.up();

	// Bo draws in red and thick.
	await bo.getByRole('button', { name: 'Colour and width' }).click();
	await bo.getByRole('radio', { name: 'Red' }).check();
	await bo.getByRole('radio', { name: 'Thick', exact: true }).check();
	await bo.getByRole('button', { name: 'Colour and width' }).click();
	await drawLine(bo, [0.3, 0.15], [0.3, 0.85]);
	await expect.poll(() => inkAt(ana, 0.3, 0.2)).toBe(true);
	const redOnAna = await board(ana)
		.locator('canvas')
		.evaluate((canvas: HTMLCanvasElement) => {
			const [r, g, b] = canvas
				.getContext('2d')!
				.getImageData(Math.round(canvas.width * 0.3), Math.round(canvas.height * 0.2), 1, 1).data;
			return { r, g, b };
		});
	expect(redOnAna.r).toBeGreaterThan(180);
	expect(redOnAna.g).toBeLessThan(100);

	// Undo and redo touch only your own strokes, on every screen.
	await bo.getByRole('button', { name: 'Undo' }).click();
	await expect.poll(() => inkAt(ana, 0.3, 0.2)).toBe(false);
	expect(await inkAt(ana, 0.5, 0.5)).toBe(true);
	await expect(bo.getByRole('button', { name: 'Undo' })).toBeDisabled();
	await bo.getByRole('button', { name: 'Redo' }).click();
	await expect.poll(() => inkAt(ana, 0.3, 0.2)).toBe(true);
	await ana.keyboard.press('Control+z');
	await expect.poll(() => inkAt(bo, 0.5, 0.5)).toBe(false);
	await ana.keyboard.press('Control+Shift+z');
	await expect.poll(() => inkAt(bo, 0.5, 0.5)).toBe(true);
	await screenshot(ana, 'whiteboard-desktop');

	// Chul arrives on a phone and finds the drawing already there.
	const chulContext = await browser.newContext(phone);
	const chul = await chulContext.newPage();
	await joinRoom(chul, link, 'Chul');
	await expectConnected(chul, 'Ana');
	await expect(await showControl(chul, 'Whiteboard')).toHaveAccessibleDescription(
		'New drawing on the board'
	);
	await openWhiteboard(chul);
	await expect.poll(() => inkAt(chul, 0.5, 0.5)).toBe(true);
	await expect.poll(() => inkAt(chul, 0.3, 0.8)).toBe(true);
	expect(await inkAt(chul, 0.7, 0.2)).toBe(false);

	// A finger draws on the board instead of scrolling the page.
	await drawWithFinger(chul, [0.6, 0.2], [0.8, 0.3]);
	await expect.poll(() => inkAt(ana, 0.7, 0.25)).toBe(true);
	await expect.poll(() => inkAt(bo, 0.7, 0.25)).toBe(true);
	expect(await chul.evaluate(() => [scrollX, scrollY])).toEqual([0, 0]);
	await screenshot(chul, 'whiteboard-phone');

	const [download] = await Promise.all([
		chul.waitForEvent('download'),
		chul.getByRole('button', { name: 'Save board' }).click()
	]);
	expect(download.suggestedFilename()).toMatch(/^dropcall-board-\d{4}-\d{2}-\d{2}\.png$/);
	const png = await readFile(await download.path());
	expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));

	// Clearing asks first, then clears every screen.
	await chul.getByRole('button', { name: 'Clear board' }).click();
	const confirm = chul.getByRole('dialog', { name: 'Clear the board for everyone?' });
	await expect(confirm).toBeVisible();
	await confirm.getByRole('button', { name: 'Cancel' }).click();
	await expect(confirm).toBeHidden();
	expect(await inkPixels(ana)).toBeGreaterThan(0);
	await chul.getByRole('button', { name: 'Clear board' }).click();
	await confirm.getByRole('button', { name: 'Clear for everyone' }).click();
	for (const page of [ana, bo, chul]) await expect.poll(() => inkPixels(page)).toBe(0);

	// Closing the board gives the big view back to the call.
	await ana.getByRole('button', { name: 'Whiteboard', exact: true }).click();
	await expect(board(ana)).toHaveCount(0);

	await Promise.all([anaContext.close(), boContext.close(), chulContext.close()]);
});
