/**
 * Diagnostic: the CPU Chromium spends from the click on Join to the first remote frame, floor
 * and Dropcall interleaved, by kind of process and by thread (the pages' renderers summed),
 * averaged over the runs. On a 2-core machine a join competes with everything else the
 * browser does meanwhile, and this shows what that is: it found a service worker installing
 * (its thread, the browser's IO thread, the network service) during a two-person join.
 *
 *   npx tsx bench/join-cpu.ts [people] [runs] [record]     (BUILD=<folder> for another build)
 *
 * Linux counts CPU time in 10 ms ticks: single runs are coarse, their average is not.
 */
import { startFloorServer } from './floor/server.ts';
import { dropcallRun, floorRun, launchWithFakeDevices, startApp, type AroundJoin } from './call.ts';
import { median } from './median.ts';
import { chromiumThreads } from './proc.ts';

const people = Number(process.argv[2] ?? 2);
const runs = Number(process.argv[3] ?? 7);
const record = process.argv[4] === 'record';
/** Threads that averaged less than this are left out of the listing. */
const SHOWN_MS = 3;

type Side = { joinMs: number[]; cpuMs: Map<string, number> };
const sides: Record<'floor' | 'Dropcall', Side> = {
	floor: { joinMs: [], cpuMs: new Map() },
	Dropcall: { joinMs: [], cpuMs: new Map() }
};

function watching(side: Side): AroundJoin {
	return async (join) => {
		const before = new Map(chromiumThreads().map((thread) => [thread.tid, thread.cpuSeconds]));
		const result = await join();
		for (const { tid, kind, name, cpuSeconds } of chromiumThreads()) {
			const spentMs = (cpuSeconds - (before.get(tid) ?? 0)) * 1000;
			const key = `${kind}: ${name}`;
			if (spentMs > 0) side.cpuMs.set(key, (side.cpuMs.get(key) ?? 0) + spentMs);
		}
		return result;
	};
}

const app = await startApp(process.env.BUILD);
const floor = await startFloorServer();
const browser = await launchWithFakeDevices();
try {
	for (let run = 0; run < runs; run++) {
		const floorSide = watching(sides.floor);
		sides.floor.joinMs.push(await floorRun(browser, floor.url, people, `cpu-${run}`, floorSide));
		const ours = watching(sides.Dropcall);
		sides.Dropcall.joinMs.push(await dropcallRun(browser, app.url, people, record, ours));
	}
	for (const [name, { joinMs, cpuMs }] of Object.entries(sides)) {
		const total = [...cpuMs.values()].reduce((sum, ms) => sum + ms, 0) / runs;
		console.log(
			`\n${name}, ${people} people${record ? ', recording' : ''}: join ${median(joinMs).toFixed(0)} ms (median of ${runs}), Chromium CPU ${total.toFixed(0)} ms a join on average`
		);
		for (const [thread, ms] of [...cpuMs].sort((a, b) => b[1] - a[1])) {
			if (ms / runs >= SHOWN_MS)
				console.log(`  ${(ms / runs).toFixed(0).padStart(5)} ms  ${thread}`);
		}
	}
} finally {
	await browser.close();
	await floor.close();
	await app.close();
}
