/**
 * Diagnostic: what a call in progress costs the machine, Dropcall against the floor, by
 * Chromium process (the pages, the GPU process that composites them, network, audio). A join
 * on a 2-core machine competes with this for the CPU: the people already in the call spend it.
 *
 *   npx tsx bench/call-cpu.ts [people in the call] ['label=css' …]
 *
 * Each `label=css` is measured again with that style added to Dropcall's pages, to find what
 * costs: `'no videos=video{visibility:hidden}'`. BUILD=<folder> serves another build.
 */
import type { Browser } from '@playwright/test';
import { callAwaitingLastJoin, floorCall, launchWithFakeDevices, startApp } from './call.ts';
import { startFloorServer } from './floor/server.ts';
import { chromiumProcesses } from './proc.ts';

/** Left alone after everyone is in: the first seconds of a call spend more than its run. */
const SETTLE_MS = 3000;
const MEASURE_MS = 8000;

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Cores used by each kind of Chromium process over MEASURE_MS, and in all. */
async function coresByKind(): Promise<string> {
	await pause(SETTLE_MS);
	const before = new Map(chromiumProcesses().map((process) => [process.pid, process]));
	const startedAt = performance.now();
	await pause(MEASURE_MS);
	const seconds = (performance.now() - startedAt) / 1000;
	const byKind = new Map<string, number>();
	for (const process of chromiumProcesses()) {
		const spent = process.cpuSeconds - (before.get(process.pid)?.cpuSeconds ?? process.cpuSeconds);
		byKind.set(process.kind, (byKind.get(process.kind) ?? 0) + spent / seconds);
	}
	const total = [...byKind.values()].reduce((sum, cores) => sum + cores, 0);
	const parts = [...byKind]
		.filter(([, cores]) => cores >= 0.005)
		.sort((a, b) => b[1] - a[1])
		.map(([kind, cores]) => `${kind} ${cores.toFixed(2)}`);
	return `${total.toFixed(2)} cores (${parts.join(', ')})`;
}

async function dropcall(browser: Browser, url: string, people: number, variants: string[][]) {
	// One seat more than the call holds: the join screen of the last is closed unused.
	const { pages, close } = await callAwaitingLastJoin(browser, url, people + 1);
	try {
		const inCall = pages.slice(0, -1);
		await pages.at(-1)!.context().close();
		console.log(`  Dropcall: ${await coresByKind()}`);
		for (const [label, css] of variants) {
			for (const page of inCall) await page.addStyleTag({ content: css! });
			console.log(`  Dropcall + ${label}: ${await coresByKind()}`);
		}
	} finally {
		await close().catch(() => {});
	}
}

async function floor(browser: Browser, url: string, people: number) {
	const { close } = await floorCall(browser, url, people, 'cpu', people);
	try {
		console.log(`  floor: ${await coresByKind()}`);
	} finally {
		await close();
	}
}

const people = Number(process.argv[2] ?? 3);
const variants = process.argv.slice(3).map((argument) => {
	const at = argument.indexOf('=');
	return [argument.slice(0, at), argument.slice(at + 1)];
});
const app = await startApp(process.env.BUILD);
const floorServer = await startFloorServer();
const browser = await launchWithFakeDevices();
try {
	console.log(`A call of ${people}, CPU over ${MEASURE_MS / 1000} s after ${SETTLE_MS / 1000} s:`);
	await dropcall(browser, app.url, people, variants);
	await floor(browser, floorServer.url, people);
} finally {
	await browser.close();
	await floorServer.close();
	await app.close();
}
