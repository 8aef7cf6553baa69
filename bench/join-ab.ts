/**
 * Diagnostic: the call benchmark's join, floor and two builds of Dropcall interleaved, so that a
 * change is compared with what it changes in the same minutes of a noisy machine.
 * `npx tsx bench/join-ab.ts <buildA> <buildB> [people] [runs] [record]`
 */

import { startFloorServer } from './floor/server.ts';
import { dropcallRun, floorRun, launchWithFakeDevices, startApp } from './call.ts';
import { median } from './median.ts';

const [dirA, dirB] = process.argv.slice(2, 4) as [string, string];
const people = Number(process.argv[4] ?? 2);
const runs = Number(process.argv[5] ?? 5);
const record = process.argv[6] === 'record';
const a = await startApp(dirA);
const b = await startApp(dirB);
const floor = await startFloorServer();
const browser = await launchWithFakeDevices();
const result = { floor: [] as number[], A: [] as number[], B: [] as number[] };
try {
	for (let run = 0; run < runs; run++) {
		result.floor.push(await floorRun(browser, floor.url, people, `ab-${run}`));
		const order = run % 2 ? (['B', 'A'] as const) : (['A', 'B'] as const);
		for (const which of order)
			result[which].push(await dropcallRun(browser, which === 'A' ? a.url : b.url, people, record));
		console.log(
			`run ${run}: floor ${result.floor.at(-1)!.toFixed(0)}  A ${result.A.at(-1)!.toFixed(0)}  B ${result.B.at(-1)!.toFixed(0)}`
		);
	}
	const f = median(result.floor);
	console.log(
		`${people} people, median of ${runs}: floor ${f.toFixed(0)}, A ${median(result.A).toFixed(0)} (${(median(result.A) / f).toFixed(2)}x), B ${median(result.B).toFixed(0)} (${(median(result.B) / f).toFixed(2)}x)`
	);
} finally {
	await browser.close();
	await floor.close();
	await a.close();
	await b.close();
}
