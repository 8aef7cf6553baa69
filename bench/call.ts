/**
 * Join to first decoded remote frame, for 2 and 4 people, against the floor: the least code
 * that connects the same Chromium contexts through a plain Socket.IO relay (bench/floor).
 * Both sides have their camera open before the clock starts, as a person on the join screen does,
 * with the same constraints, so both encode the same frames.
 */
import { chromium, type Browser, type Page } from '@playwright/test';
import { spawnSync } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { io } from 'socket.io-client';
import { createDropcall } from '../server/app.ts';
import { readConfig } from '../server/config.ts';
import { baseArgs, chromiumPath, fakeDeviceArgs } from '../tests/e2e/browser.ts';
import { cameraConstraints, microphoneConstraints } from '../src/lib/call/capture.ts';
import { startFloorServer } from './floor/server.ts';
import { median } from './median.ts';

/** Join times on a busy 2-core machine spread widely; seven runs steady the median. */
const RUNS = 7;
const SIZES = [2, 4];

/**
 * How long the recording has been under way when the last person joins. Joins begun just after
 * the Record click read 25–30 ms slower, while the recorder's encoder and mix started up (two
 * people, medians of 15: 194 ms, against 160 ms 300 ms later and 169 ms a second later): the
 * figure is a join into a call being recorded, not a join racing the start of a recording.
 * `--recording-for 0` times the join right after the click, as the benchmark did before.
 */
const RECORDING_FOR_MS = 1000;
let recordingForMs = RECORDING_FOR_MS;

/** `--runs 3` and `--people 2` shorten a run while iterating on the join path. */
function flag(name: string, least = 1): number | undefined {
	const index = process.argv.indexOf(`--${name}`);
	if (index === -1) return undefined;
	const value = Number(process.argv[index + 1]);
	if (!Number.isInteger(value) || value < least) {
		throw new Error(`--${name} takes a whole number of at least ${least}`);
	}
	return value;
}

/**
 * Runs in the page: starts the clock, joins, and resolves with the first and the last remote
 * tile's first painted frame once `tiles` of them have painted (a tile is the `figure` the video
 * is in, named by its label; the floor's bare videos count each). Kept as source text: tsx would
 * wrap a real function in helpers the page does not have.
 */
const MEASURE_IN_PAGE = `({ join, videos, tiles }) => new Promise((resolve) => {
	const start = performance.now();
	const painted = new Map();
	const watched = new WeakSet();
	const poll = () => {
		for (const video of document.querySelectorAll(videos)) {
			if (watched.has(video)) continue;
			watched.add(video);
			const tile = video.closest('figure')?.getAttribute('aria-label') ?? video;
			video.requestVideoFrameCallback(() => {
				if (!painted.has(tile)) painted.set(tile, performance.now() - start);
				if (painted.size >= tiles) resolve([Math.min(...painted.values()), Math.max(...painted.values())]);
			});
		}
		setTimeout(poll, 2);
	};
	// The join starts inside the page so no automation round trip is timed.
	new Function(join)();
	poll();
})`;

/** Wraps the timed join, for diagnostics that watch the machine meanwhile (bench/join-cpu.ts). */
export type AroundJoin = <T>(join: () => Promise<T>) => Promise<T>;
const joinAsIs: AroundJoin = (join) => join();

/** Milliseconds from the join to the first and the last of `tiles` remote tiles' first frames. */
function measure(
	page: Page,
	join: string,
	videos: string,
	tiles = 1
): Promise<[first: number, last: number]> {
	return page.evaluate(`(${MEASURE_IN_PAGE})(${JSON.stringify({ join, videos, tiles })})`);
}

/** Chromium as the call benchmarks drive it: a fake camera and microphone, no prompts. */
export function launchWithFakeDevices(): Promise<Browser> {
	return chromium.launch({
		executablePath: chromiumPath(),
		args: [...baseArgs, ...fakeDeviceArgs]
	});
}

/** Serves the current build (built first if stale), or the build in `staticDir` when given. */
export async function startApp(staticDir?: string) {
	if (staticDir === undefined) {
		const build = spawnSync(process.execPath, ['scripts/build-if-stale.js'], { stdio: 'inherit' });
		if (build.status !== 0) throw new Error('build failed');
	}
	const config = {
		...readConfig({
			QUIET: '1',
			ICE_SERVERS: process.env.ICE_SERVERS,
			...(staticDir === undefined ? {} : { STATIC_DIR: staticDir })
		}),
		host: '127.0.0.1'
	};
	const httpServer = createServer((request, response) =>
		dropcall.handle(request, response, () => {})
	);
	const dropcall = createDropcall(httpServer, config, { serveStatic: true });
	await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
	const url = `http://127.0.0.1:${(httpServer.address() as AddressInfo).port}`;
	return { url, close: () => dropcall.stop() };
}

/**
 * A room for `people`, each in their own context on the join screen with their camera open,
 * everyone but the last already in the call. `initScript` runs in every page first.
 */
export async function callAwaitingLastJoin(
	browser: Browser,
	url: string,
	people: number,
	initScript?: (index: number) => string
) {
	const socket = io(url, { transports: ['websocket'] });
	const created = await socket.emitWithAck('room:create', { seats: people, devices: 'none' });
	socket.close();
	const contexts = await Promise.all(
		Array.from({ length: people }, () =>
			browser.newContext({ permissions: ['camera', 'microphone'] })
		)
	);
	const close = () => Promise.all(contexts.map((context) => context.close()));
	try {
		// The first person may record: collecting chunks rather than asking where to save.
		await contexts[0]!.addInitScript({ content: 'delete window.showSaveFilePicker' });
		const pages: Page[] = [];
		for (const [index, context] of contexts.entries()) {
			if (initScript) await context.addInitScript({ content: initScript(index) });
			const page = await context.newPage();
			await page.goto(`${url}/r/${created.roomId}`);
			await page.getByRole('textbox', { name: 'Your name' }).fill(`P${index}`);
			await page.getByRole('button', { name: 'Camera', pressed: true }).waitFor();
			pages.push(page);
		}
		for (const page of pages.slice(0, -1)) {
			await page.getByRole('button', { name: 'Join' }).click();
			await page.getByRole('button', { name: 'Leave' }).waitFor();
		}
		return { pages, close };
	} catch (error) {
		await close();
		throw error;
	}
}

export async function dropcallRun(
	browser: Browser,
	url: string,
	people: number,
	recording: boolean,
	around: AroundJoin = joinAsIs
): Promise<number> {
	const [first] = await dropcallFrames(browser, url, people, recording, 1, around);
	return first;
}

/**
 * The last person's join into a call of `people`: milliseconds to the first and the last of
 * `tiles` remote tiles' first painted frames.
 */
export async function dropcallFrames(
	browser: Browser,
	url: string,
	people: number,
	recording: boolean,
	tiles: number,
	around: AroundJoin = joinAsIs
): Promise<[first: number, last: number]> {
	const { pages, close } = await callAwaitingLastJoin(browser, url, people);
	try {
		// With recording the figure is the call with everything on: recording, and every page
		// sampling its connections.
		if (recording) {
			await pages[0]!.getByRole('button', { name: 'Record', exact: true }).click();
			await pages[0]!.getByRole('button', { name: 'Stop recording' }).waitFor();
			await new Promise((resolve) => setTimeout(resolve, recordingForMs));
		}
		const last = pages.at(-1)!;
		return await around(() =>
			measure(
				last,
				`document.querySelector('form button[type=submit]').click()`,
				`figure:not([aria-label="P${people - 1}"]) video`,
				tiles
			)
		);
	} finally {
		await close();
	}
}

/**
 * The floor's pages for `people`, each in its own context with its camera open, the first
 * `joined` of them in `room`. `initScript` runs in every page first.
 */
export async function floorCall(
	browser: Browser,
	url: string,
	people: number,
	room: string,
	joined: number,
	initScript?: string
) {
	const contexts = await Promise.all(
		Array.from({ length: people }, () =>
			browser.newContext({ permissions: ['camera', 'microphone'] })
		)
	);
	const close = () => Promise.all(contexts.map((context) => context.close()));
	try {
		const pages: Page[] = [];
		for (const context of contexts) {
			if (initScript) await context.addInitScript({ content: initScript });
			const page = await context.newPage();
			await page.goto(url);
			// The camera opened as Dropcall opens it, so both sides encode the same frames.
			await page.evaluate(
				`window.prepare(${JSON.stringify({ audio: microphoneConstraints, video: cameraConstraints })})`
			);
			pages.push(page);
		}
		for (const page of pages.slice(0, joined)) {
			await page.evaluate(`window.join(${JSON.stringify(room)})`);
		}
		return { pages, close };
	} catch (error) {
		await close();
		throw error;
	}
}

export async function floorRun(
	browser: Browser,
	url: string,
	people: number,
	room: string,
	around: AroundJoin = joinAsIs
) {
	const { pages, close } = await floorCall(browser, url, people, room, people - 1);
	try {
		const [first] = await around(() =>
			measure(pages.at(-1)!, `window.join(${JSON.stringify(room)})`, 'video')
		);
		return first;
	} finally {
		await close();
	}
}

export async function benchCall(): Promise<void> {
	const runs = flag('runs') ?? RUNS;
	const onlySize = flag('people');
	recordingForMs = flag('recording-for', 0) ?? RECORDING_FOR_MS;
	const sizes = onlySize ? [onlySize] : SIZES;
	const app = await startApp();
	const floor = await startFloorServer();
	const browser = await launchWithFakeDevices();
	try {
		console.log(
			'\nJoin to first decoded remote frame (median of %d runs, loopback; recording for %d ms)',
			runs,
			recordingForMs
		);
		for (const people of sizes) {
			const ours: number[] = [];
			const unrecorded: number[] = [];
			const floors: number[] = [];
			// Interleaved, so a slow moment of the machine hits both sides alike.
			for (let run = 0; run < runs; run++) {
				floors.push(await floorRun(browser, floor.url, people, `room-${people}-${run}`));
				ours.push(await dropcallRun(browser, app.url, people, true));
				unrecorded.push(await dropcallRun(browser, app.url, people, false));
			}
			const ratio = median(ours) / median(floors);
			console.log(
				`  ${people} people: Dropcall ${median(ours).toFixed(0)} ms, floor ${median(floors).toFixed(0)} ms, ratio ${ratio.toFixed(2)}× (target ≤ ${people === 2 ? '1.1' : '1.2'}×); without recording ${median(unrecorded).toFixed(0)} ms, ${(median(unrecorded) / median(floors)).toFixed(2)}×`
			);
			console.log(
				`    runs: Dropcall ${ours.map((ms) => ms.toFixed(0)).join(', ')}; without recording ${unrecorded.map((ms) => ms.toFixed(0)).join(', ')}; floor ${floors.map((ms) => ms.toFixed(0)).join(', ')}`
			);
		}
	} finally {
		await browser.close();
		await floor.close();
		await app.close();
	}
}
