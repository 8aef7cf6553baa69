import { expect, test, type Page } from '@playwright/test';
import { readFile } from 'node:fs/promises';
import { createRoom, expectVideoFrames, joinRoom, openPanel, showControl, tile } from './helpers';

/** What the browser's own decoder makes of a file: its length and the kinds of its tracks. */
async function decode(page: Page, bytes: Buffer, mimeType: string) {
	return page.evaluate(
		async ({ base64, mimeType }) => {
			const data = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
			const video = document.createElement('video');
			video.muted = true;
			video.src = URL.createObjectURL(new Blob([data], { type: mimeType }));
			await new Promise((resolve, reject) => {
				video.onloadedmetadata = resolve;
				video.onerror = () => reject(new Error(`cannot decode: ${video.error?.message}`));
			});
			// MediaRecorder's WebM has no duration in its header (Infinity) until the player has
			// seen the end: seeking far past it makes the browser find the real length.
			if (!Number.isFinite(video.duration)) {
				await new Promise((resolve) => {
					video.ondurationchange = () => Number.isFinite(video.duration) && resolve(null);
					video.currentTime = 1e9;
				});
			}
			const duration = video.duration;
			video.currentTime = 0;
			await video.play();
			const stream = (video as HTMLVideoElement & { captureStream(): MediaStream }).captureStream();
			// The captured stream gains its tracks as playback reaches them.
			await new Promise<void>((resolve) => {
				const check = () => (stream.getTracks().length >= 2 || video.ended) && resolve();
				stream.addEventListener('addtrack', check);
				video.addEventListener('ended', check);
				check();
			});
			const kinds = stream
				.getTracks()
				.map((track) => track.kind)
				.sort();
			return { duration, kinds, width: video.videoWidth };
		},
		{ base64: bytes.toString('base64'), mimeType }
	);
}

test('a 10 s recording saves a playable file with sound and picture, and everyone sees it being made', async ({
	browser
}) => {
	test.setTimeout(120_000);
	const anaContext = await browser.newContext();
	// Without the File System Access API the recording collects chunks and downloads at the end,
	// the path every browser has and the one a test can receive.
	await anaContext.addInitScript(() => {
		delete (window as unknown as { showSaveFilePicker?: unknown }).showSaveFilePicker;
	});
	const boContext = await browser.newContext();
	const ana = await anaContext.newPage();
	const bo = await boContext.newPage();
	const link = await createRoom(ana, { name: 'Ana' });
	await ana.getByRole('button', { name: 'Join' }).click();
	await joinRoom(bo, link, 'Bo');
	await expectVideoFrames(ana, 'Bo');

	await (await showControl(ana, 'Record')).click();
	await expect(ana.getByRole('button', { name: 'Stop recording' })).toBeVisible();
	const startedAt = Date.now();
	await expect(tile(bo, 'Ana').getByRole('img', { name: 'Recording', exact: true })).toBeVisible();
	await openPanel(bo);
	await expect(
		bo
			.getByRole('list', { name: 'People' })
			.getByRole('listitem')
			.filter({ hasText: 'Ana' })
			.getByRole('img', { name: 'Recording' })
	).toBeVisible();
	await expect(bo.getByRole('status', { name: 'Announcements' })).toContainText(
		'Ana started recording'
	);
	await expect(tile(bo, 'Bo').getByRole('img', { name: 'Recording' })).toHaveCount(0);

	// The length of the recording is the point of this wait.
	await expect.poll(() => Date.now() - startedAt, { timeout: 15_000 }).toBeGreaterThan(10_000);
	const stop = await showControl(ana, 'Stop recording');
	const [download] = await Promise.all([ana.waitForEvent('download'), stop.click()]);
	expect(download.suggestedFilename()).toMatch(/^Dropcall .+\.(webm|mp4)$/);
	await expect(tile(bo, 'Ana').getByRole('img', { name: 'Recording' })).toHaveCount(0);
	await expect(bo.getByRole('status', { name: 'Announcements' })).toContainText(
		'Ana stopped recording'
	);

	const bytes = await readFile((await download.path())!);
	const mimeType = download.suggestedFilename().endsWith('.mp4') ? 'video/mp4' : 'video/webm';
	const decoded = await decode(ana, bytes, mimeType);
	expect(decoded.kinds).toEqual(['audio', 'video']);
	expect(decoded.width).toBeGreaterThan(0);
	expect(decoded.duration).toBeGreaterThan(9);
	expect(decoded.duration).toBeLessThan(13);
	await Promise.all([anaContext.close(), boContext.close()]);
});
