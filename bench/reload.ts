/**
 * How long a reload keeps the others waiting: from the moment A's page is told to reload to
 * the first frame of A's camera painted again at B, next to a fresh join's time on the same
 * run (from A's Join click to A's first frame at B). Both clocks are wall clocks of the one
 * machine: the test's when it acts, B's page's when it paints.
 */
import { chromium, type Browser, type Page } from '@playwright/test';
import { io } from 'socket.io-client';
import { baseArgs, chromiumPath, fakeDeviceArgs } from '../tests/e2e/browser.ts';
import { startApp } from './call.ts';
import type { Benchmark } from './run.ts';
import { median } from './median.ts';

const RUNS = 5;

/**
 * Runs in B's page: resolves with the wall-clock time of the first frame painted in A's tile
 * from a stream other than the one showing now. Source text, for the reason bench/call.ts gives.
 */
const NEXT_FRAME_IN_PAGE = `(name) => new Promise((resolve) => {
	const selector = 'figure[aria-label="' + name + '"] video';
	const before = document.querySelector(selector)?.srcObject ?? null;
	const poll = () => {
		const video = document.querySelector(selector);
		if (video && video.srcObject && video.srcObject !== before) {
			video.requestVideoFrameCallback(() => resolve(performance.timeOrigin + performance.now()));
			return;
		}
		setTimeout(poll, 2);
	};
	poll();
})`;

function nextFrameOf(page: Page, name: string): Promise<number> {
	return page.evaluate(`(${NEXT_FRAME_IN_PAGE})(${JSON.stringify(name)})`);
}

async function oneRun(
	browser: Browser,
	url: string
): Promise<{ joinMs: number; reloadMs: number }> {
	const socket = io(url, { transports: ['websocket'] });
	const created = await socket.emitWithAck('room:create', { seats: 2, devices: 'none' });
	socket.close();
	const link = `${url}/r/${created.roomId}`;
	const contexts = await Promise.all(
		[1, 2].map(() => browser.newContext({ permissions: ['camera', 'microphone'] }))
	);
	try {
		const [a, b] = await Promise.all(contexts.map((context) => context.newPage()));
		for (const [page, name] of [
			[b!, 'B'],
			[a!, 'A']
		] as const) {
			await page.goto(link);
			await page.getByRole('textbox', { name: 'Your name' }).fill(name);
			await page.getByRole('button', { name: 'Camera', pressed: true }).waitFor();
		}
		await b!.getByRole('button', { name: 'Join' }).click();
		await b!.getByRole('button', { name: 'Leave' }).waitFor();

		const joined = nextFrameOf(b!, 'A');
		const joinClickedAt = Date.now();
		await a!.getByRole('button', { name: 'Join' }).click();
		const joinMs = (await joined) - joinClickedAt;

		const reloaded = nextFrameOf(b!, 'A');
		const reloadClickedAt = Date.now();
		await a!.reload();
		const reloadMs = (await reloaded) - reloadClickedAt;
		return { joinMs, reloadMs };
	} finally {
		await Promise.all(contexts.map((context) => context.close()));
	}
}

export const reloadBenchmark: Benchmark = {
	name: 'Reload: back in the call',
	deadlineSeconds: 600,
	async run(signal) {
		const app = await startApp();
		const browser = await chromium.launch({
			executablePath: chromiumPath(),
			args: [...baseArgs, ...fakeDeviceArgs]
		});
		try {
			const joins: number[] = [];
			const reloads: number[] = [];
			for (let run = 0; run < RUNS && !signal.aborted; run++) {
				const { joinMs, reloadMs } = await oneRun(browser, app.url);
				joins.push(joinMs);
				reloads.push(reloadMs);
			}
			const ms = (values: number[]) => values.map((value) => value.toFixed(0)).join(', ');
			return [
				`A's video painted again at B, median of ${RUNS} (loopback):`,
				`  reload click → A's video at B: ${median(reloads).toFixed(0)} ms (runs ${ms(reloads)})`,
				`  fresh Join click → A's video at B: ${median(joins).toFixed(0)} ms (runs ${ms(joins)})`
			];
		} finally {
			await browser.close();
			await app.close();
		}
	}
};
