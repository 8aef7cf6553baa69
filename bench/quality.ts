/**
 * What connection quality and recording cost in CPU, so neither makes a four-person call
 * stutter on a phone. Four people in a call on this machine; the first one's sampling (three
 * remote connections) and recording are switched on and off in turns, and the whole browser's
 * CPU time (every process, from CDP SystemInfo.getProcessInfo) and that page's main-thread
 * busy time (CDP Performance.getMetrics TaskDuration) are compared between the two.
 *
 * Sampling is switched off the way the app itself does it, by telling the page it is hidden
 * (the page keeps drawing, so only the sampling stops). Figures are differences of two noisy
 * totals on a shared machine: the alternating rounds and their median are printed so the noise
 * shows.
 */
import { chromium, type Browser, type CDPSession, type Page } from '@playwright/test';
import { io } from 'socket.io-client';
import { baseArgs, chromiumPath, fakeDeviceArgs } from '../tests/e2e/browser.ts';
import { startApp } from './call.ts';
import type { Benchmark } from './run.ts';
import { median } from './median.ts';

const PEOPLE = 4;
const WINDOW_MS = 10_000;
const ROUNDS = 3;

async function browserCpuSeconds(session: CDPSession): Promise<number> {
	const { processInfo } = (await session.send('SystemInfo.getProcessInfo')) as {
		processInfo: { cpuTime: number }[];
	};
	return processInfo.reduce((sum, process) => sum + process.cpuTime, 0);
}

async function mainThreadSeconds(session: CDPSession): Promise<number> {
	const { metrics } = await session.send('Performance.getMetrics');
	return metrics.find((metric) => metric.name === 'TaskDuration')?.value ?? 0;
}

/** CPU seconds (whole browser, measured page's main thread) spent over one window. */
async function windowCost(browserSession: CDPSession, pageSession: CDPSession) {
	const cpuBefore = await browserCpuSeconds(browserSession);
	const taskBefore = await mainThreadSeconds(pageSession);
	const startedAt = Date.now();
	await new Promise((resolve) => setTimeout(resolve, WINDOW_MS));
	const seconds = (Date.now() - startedAt) / 1000;
	return {
		cpu: (await browserCpuSeconds(browserSession)) - cpuBefore,
		task: (await mainThreadSeconds(pageSession)) - taskBefore,
		seconds
	};
}

/** Kept as source text: tsx would wrap a real function in helpers the page does not have. */
function setHidden(page: Page, isHidden: boolean): Promise<void> {
	return page.evaluate(`(() => {
		Object.defineProperty(document, 'visibilityState', {
			configurable: true,
			get: () => ${isHidden ? "'hidden'" : "'visible'"}
		});
		document.dispatchEvent(new Event('visibilitychange'));
	})()`);
}

const ms = (seconds: number) => `${(seconds * 1000).toFixed(1)} ms`;

async function callOf(browser: Browser, url: string) {
	const socket = io(url, { transports: ['websocket'] });
	const created = await socket.emitWithAck('room:create', { seats: PEOPLE, devices: 'none' });
	socket.close();
	const contexts = await Promise.all(
		Array.from({ length: PEOPLE }, () =>
			browser.newContext({ permissions: ['camera', 'microphone'] })
		)
	);
	await contexts[0]!.addInitScript({ content: 'delete window.showSaveFilePicker' });
	const pages: Page[] = [];
	for (const [index, context] of contexts.entries()) {
		const page = await context.newPage();
		await page.goto(`${url}/r/${created.roomId}`);
		await page.getByRole('textbox', { name: 'Your name' }).fill(`P${index}`);
		await page.getByRole('button', { name: 'Join' }).click();
		await page.getByRole('button', { name: 'Leave' }).waitFor();
		pages.push(page);
	}
	const marks = pages[0]!.getByRole('img', { name: /^Connection (good|fair|poor)$/ });
	for (let tries = 0; (await marks.count()) < PEOPLE - 1; tries++) {
		if (tries > 300) throw new Error('the connection marks never appeared');
		await new Promise((resolve) => setTimeout(resolve, 100));
	}
	return { pages, close: () => Promise.all(contexts.map((context) => context.close())) };
}

async function run(): Promise<string[]> {
	const app = await startApp();
	const browser = await chromium.launch({
		executablePath: chromiumPath(),
		args: [...baseArgs, ...fakeDeviceArgs]
	});
	const lines: string[] = [];
	try {
		const call = await callOf(browser, app.url);
		const page = call.pages[0]!;
		const browserSession = await browser.newBrowserCDPSession();
		const pageSession = await page.context().newCDPSession(page);
		await pageSession.send('Performance.enable');

		const remoteTiles = PEOPLE - 1;
		const sampling = { cpu: [] as number[], task: [] as number[] };
		for (let round = 0; round < ROUNDS; round++) {
			await setHidden(page, true);
			const off = await windowCost(browserSession, pageSession);
			await setHidden(page, false);
			const on = await windowCost(browserSession, pageSession);
			sampling.cpu.push((on.cpu / on.seconds - off.cpu / off.seconds) / remoteTiles);
			sampling.task.push((on.task / on.seconds - off.task / off.seconds) / remoteTiles);
		}
		lines.push(
			`Quality sampling, per remote tile per second of call (${PEOPLE} people, every 2 s):`,
			`  whole browser CPU ${ms(median(sampling.cpu))} (rounds ${sampling.cpu.map(ms).join(', ')})`,
			`  page main thread ${ms(median(sampling.task))} (rounds ${sampling.task.map(ms).join(', ')})`
		);

		const recording = { cpu: [] as number[], task: [] as number[] };
		for (let round = 0; round < ROUNDS; round++) {
			const off = await windowCost(browserSession, pageSession);
			await page.getByRole('button', { name: 'Record', exact: true }).click();
			await page.getByRole('button', { name: 'Stop recording' }).waitFor();
			const on = await windowCost(browserSession, pageSession);
			await page.getByRole('button', { name: 'Stop recording' }).click();
			await page.getByRole('button', { name: 'Record', exact: true }).waitFor();
			recording.cpu.push((on.cpu / on.seconds - off.cpu / off.seconds) * 60);
			recording.task.push((on.task / on.seconds - off.task / off.seconds) * 60);
		}
		const perMinute = (seconds: number) =>
			`${seconds.toFixed(1)} s (${((seconds / 60) * 100).toFixed(0)}% of one core)`;
		lines.push(
			`Recording, CPU per minute recorded (${PEOPLE} tiles, ${PEOPLE} voices, 960×540 at 15 fps):`,
			`  whole browser ${perMinute(median(recording.cpu))} (rounds ${recording.cpu.map(perMinute).join(', ')})`,
			`  page main thread ${perMinute(median(recording.task))} (rounds ${recording.task.map(perMinute).join(', ')})`
		);
		await call.close();
	} finally {
		await browser.close();
		await app.close();
	}
	return lines;
}

export const qualityBenchmark: Benchmark = {
	name: 'Quality and recording CPU',
	deadlineSeconds: 600,
	run
};
