/**
 * Diagnostic: the call benchmark's join for two builds, interleaved, timing both the first and
 * the last remote person's first painted frame on the joining page, with the first person
 * recording. A change that brings the first frame sooner must not bring the last one later.
 * `npx tsx bench/join-frames.ts <buildA> <buildB> [people] [runs]`
 */

import type { Browser } from '@playwright/test';
import { callAwaitingLastJoin, launchWithFakeDevices, startApp } from './call.ts';

/** Source text, as in call.ts: resolves with [first, last] once every remote tile has painted. */
const FRAMES_IN_PAGE = `({ self, others }) => new Promise((resolve) => {
	const start = performance.now();
	const painted = new Map();
	const watched = new WeakSet();
	const poll = () => {
		for (const video of document.querySelectorAll('figure:not([aria-label="' + self + '"]) video')) {
			if (watched.has(video)) continue;
			watched.add(video);
			const name = video.closest('figure').getAttribute('aria-label');
			video.requestVideoFrameCallback(() => {
				if (!painted.has(name)) painted.set(name, performance.now() - start);
			});
		}
		if (painted.size >= others) resolve([Math.min(...painted.values()), Math.max(...painted.values())]);
		else setTimeout(poll, 2);
	};
	document.querySelector('form button[type=submit]').click();
	poll();
})`;

async function run(browser: Browser, url: string, people: number): Promise<[number, number]> {
	const { pages, close } = await callAwaitingLastJoin(browser, url, people);
	try {
		await pages[0]!.getByRole('button', { name: 'Record', exact: true }).click();
		await pages[0]!.getByRole('button', { name: 'Stop recording' }).waitFor();
		const argument = JSON.stringify({ self: `P${people - 1}`, others: people - 1 });
		return await pages.at(-1)!.evaluate(`(${FRAMES_IN_PAGE})(${argument})`);
	} finally {
		await close();
	}
}

const [dirA, dirB] = process.argv.slice(2, 4) as [string, string];
const people = Number(process.argv[4] ?? 4);
const runs = Number(process.argv[5] ?? 7);
const apps = { A: await startApp(dirA), B: await startApp(dirB) };
const browser = await launchWithFakeDevices();
const result = { A: [] as [number, number][], B: [] as [number, number][] };
const median = (values: number[]) =>
	[...values].sort((x, y) => x - y)[Math.floor(values.length / 2)]!;
try {
	for (let index = 0; index < runs; index++) {
		const order = index % 2 ? (['B', 'A'] as const) : (['A', 'B'] as const);
		for (const which of order) result[which].push(await run(browser, apps[which].url, people));
		const [a, b] = [result.A.at(-1)!, result.B.at(-1)!];
		console.log(
			`run ${index}: A first ${a[0].toFixed(0)} last ${a[1].toFixed(0)}  B first ${b[0].toFixed(0)} last ${b[1].toFixed(0)}`
		);
	}
	for (const which of ['A', 'B'] as const) {
		const first = median(result[which].map(([ms]) => ms));
		const last = median(result[which].map(([, ms]) => ms));
		console.log(
			`${which}: median of ${runs}, first frame ${first.toFixed(0)} ms, last ${last.toFixed(0)} ms`
		);
	}
} finally {
	await browser.close();
	await apps.A.close();
	await apps.B.close();
}
