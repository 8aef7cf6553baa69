/** What a person does in the UI, step by step, shared by the end-to-end tests. */
import { chromium, expect, type Browser, type Locator, type Page } from '@playwright/test';
import { baseArgs, chromiumPath } from './browser';

export interface RoomOptions {
	name?: string;
	seats?: number;
	devices?: 'none' | 'audio' | 'video';
}

/** Creates a room from the lobby and returns its invite link, room secret and all. */
export async function createRoom(page: Page, options: RoomOptions = {}): Promise<string> {
	await page.goto('/');
	if (options.name) await page.getByRole('textbox', { name: 'Your name' }).fill(options.name);
	await page.getByRole('combobox', { name: 'Seats' }).selectOption(String(options.seats ?? 4));
	await page
		.getByRole('combobox', { name: 'Devices required' })
		.selectOption(options.devices ?? 'none');
	await page.getByRole('button', { name: 'Create room' }).click();
	await expect(page).toHaveURL(/\/r\/[A-Za-z0-9_-]{22}#[A-Za-z0-9_-]{22}$/);
	return page.url();
}

/** Opens an invite link, types a name and presses Join. */
export async function joinRoom(page: Page, link: string, name: string): Promise<void> {
	if (page.url() !== link) await page.goto(link);
	await page.getByRole('textbox', { name: 'Your name' }).fill(name);
	await page.getByRole('button', { name: 'Join' }).click();
}

/** Opens the room's side panel when it is closed (it starts closed on narrow screens). */
export async function openPanel(page: Page): Promise<void> {
	const toggle = page.getByRole('button', { name: /^People/ });
	if ((await toggle.getAttribute('aria-expanded')) === 'false') await toggle.click();
}

export async function expectPeople(page: Page, names: string[]): Promise<void> {
	await openPanel(page);
	const people = page.getByRole('list', { name: 'People' }).getByRole('listitem');
	await expect(people).toHaveCount(names.length);
	for (const name of names) await expect(people.filter({ hasText: name })).toHaveCount(1);
}

/** A browser launched without fake devices: here that means no camera and no microphone. */
export function launchWithoutDevices(): Promise<Browser> {
	return chromium.launch({ executablePath: chromiumPath(), args: baseArgs });
}

export async function screenshot(page: Page, name: string): Promise<void> {
	await page.screenshot({ path: `test-results/screenshots/${name}.png`, fullPage: false });
}

/** The tile of one person (or one screen), found by its accessible name. */
export function tile(page: Page, name: string) {
	return page.getByRole('figure', { name, exact: true });
}

/** Their video is decoding: frames keep arriving, not merely a stream attached. */
export async function expectVideoFrames(page: Page, name: string): Promise<void> {
	const video = tile(page, name).locator('video');
	await expect(video).toHaveCount(1);
	// Frames decoded since this <video> first showed one. Counted per element: on a starved
	// machine the quality rules may drop a copy to audio and bring it back, in a new <video>.
	const framesSinceFirst = () =>
		video.evaluate((element: HTMLVideoElement & { firstFrameCount?: number }) => {
			const total = element.getVideoPlaybackQuality().totalVideoFrames;
			if (total === 0) return -1;
			element.firstFrameCount ??= total;
			return total - element.firstFrameCount;
		});
	await expect.poll(framesSinceFirst, { timeout: 15_000 }).toBeGreaterThan(5);
}

/**
 * Starts recording the <video> elements the page removes. A removed <video> that keeps its
 * stream keeps camera frames until it is garbage collected, and the camera's capture buffers
 * are shared by every reader: a few held frames once froze everyone's video for two seconds
 * whenever someone joined.
 */
export async function watchRemovedVideos(page: Page): Promise<void> {
	await page.evaluate(() => {
		const removed: HTMLVideoElement[] = [];
		Object.assign(window, { removedVideos: removed });
		new MutationObserver((records) => {
			for (const record of records) {
				for (const node of record.removedNodes) {
					if (!(node instanceof Element)) continue;
					const videos = node instanceof HTMLVideoElement ? [node] : node.querySelectorAll('video');
					removed.push(...videos);
				}
			}
		}).observe(document.body, { childList: true, subtree: true });
	});
}

/** Every <video> removed since watchRemovedVideos let go of its stream. */
export async function expectRemovedVideosReleased(page: Page): Promise<void> {
	const holding = () =>
		page.evaluate(() => {
			const { removedVideos } = window as unknown as { removedVideos: HTMLVideoElement[] };
			return {
				removed: removedVideos.length,
				holding: removedVideos.filter((video) => !video.isConnected && video.srcObject).length
			};
		});
	await expect.poll(holding).toEqual(expect.objectContaining({ holding: 0 }));
	expect((await holding()).removed, 'removed <video> elements').toBeGreaterThan(0);
}

/** An audio-only or device-less tile: an avatar, no video. */
export async function expectNoVideo(page: Page, name: string): Promise<void> {
	await expect(tile(page, name)).toBeVisible();
	await expect(tile(page, name).locator('video')).toHaveCount(0);
}

/**
 * A call control by its name. On a phone the less used ones sit behind "More"; that is opened
 * first when the control is not in the bar.
 */
export async function showControl(page: Page, name: string): Promise<Locator> {
	const control = page.getByRole('button', { name, exact: true });
	const more = page.getByRole('button', { name: 'More', exact: true });
	await expect(control.or(more).first()).toBeVisible();
	if (!(await control.isVisible()) && (await more.getAttribute('aria-expanded')) !== 'true') {
		await more.click();
	}
	await expect(control).toBeVisible();
	return control;
}

/**
 * Slows this page's file uploads through the browser's devtools, so progress can be seen and
 * cut off; the function it returns sets another rate, -1 for none. Only requests to the file
 * routes are slowed: throttling the whole page held the Socket.IO connection's frames behind
 * the upload too, and a reload's "I may be back" (room:away) could then miss the server before
 * the connection closed, so the server freed the seat at once.
 */
export async function throttleUploads(
	page: Page,
	bytesPerSecond: number
): Promise<(bytesPerSecond: number) => Promise<unknown>> {
	const devtools = await page.context().newCDPSession(page);
	await devtools.send('Network.enable');
	const throttle = (uploadThroughput: number) =>
		devtools.send('Network.emulateNetworkConditionsByRule', {
			offline: false,
			matchedNetworkConditions: [
				{ urlPattern: '*://*:*/files/*', latency: 0, downloadThroughput: -1, uploadThroughput }
			]
		});
	await throttle(bytesPerSecond);
	return throttle;
}
