/**
 * Diagnostic: the call benchmark's join for two builds, interleaved, timing both the first and
 * the last remote person's first painted frame on the joining page, with the first person
 * recording. A change that brings the first frame sooner must not bring the last one later.
 * `npx tsx bench/join-frames.ts <buildA> <buildB> [people] [runs]`
 */

import { dropcallFrames, launchWithFakeDevices, startApp } from './call.ts';
import { median } from './median.ts';

const [dirA, dirB] = process.argv.slice(2, 4) as [string, string];
const people = Number(process.argv[4] ?? 4);
const runs = Number(process.argv[5] ?? 7);
const apps = { A: await startApp(dirA), B: await startApp(dirB) };
const browser = await launchWithFakeDevices();
const result = { A: [] as [number, number][], B: [] as [number, number][] };
try {
	for (let index = 0; index < runs; index++) {
		const order = index % 2 ? (['B', 'A'] as const) : (['A', 'B'] as const);
		for (const which of order) {
			result[which].push(await dropcallFrames(browser, apps[which].url, people, true, people - 1));
		}
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
