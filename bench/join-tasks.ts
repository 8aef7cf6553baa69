/**
 * Diagnostic: what the joining page's main thread does between the click on Join and the first
 * remote frame, from a Chrome trace: every task longer than 1 ms with its heaviest parts.
 *
 *   npx tsx bench/join-tasks.ts [people] [runs]      (BUILD=<folder> for another build)
 */

import { callAwaitingLastJoin, launchWithFakeDevices, startApp } from './call.ts';

interface TraceEvent {
	name: string;
	cat: string;
	ph: string;
	ts: number;
	dur?: number;
	pid: number;
	tid: number;
	args?: { name?: string; data?: Record<string, unknown> };
}

const MEASURE = (people: number) => `new Promise((resolve) => {
	performance.mark('join-click');
	const watched = new WeakSet();
	const poll = () => {
		for (const video of document.querySelectorAll('figure:not([aria-label="P${people - 1}"]) video')) {
			if (watched.has(video)) continue;
			watched.add(video);
			performance.mark('video-added');
			video.requestVideoFrameCallback(() => { performance.mark('first-frame'); resolve(performance.now()); });
		}
		setTimeout(poll, 2);
	};
	document.querySelector('form button[type=submit]').click();
	poll();
})`;

function describe(event: TraceEvent): string {
	const data = event.args?.data ?? {};
	const detail =
		(data.functionName as string) ||
		(data.type as string) ||
		(typeof data.url === 'string' ? (data.url as string).split('/').pop() : '') ||
		'';
	return `${event.name}${detail ? `(${detail})` : ''}`;
}

function analyse(events: TraceEvent[]) {
	const click = events.find((e) => e.name === 'join-click');
	const frame = events.find((e) => e.name === 'first-frame');
	const added = events.find((e) => e.name === 'video-added');
	if (!click || !frame) return console.log('marks missing');
	const main = events.find(
		(e) => e.ph === 'M' && e.pid === click.pid && e.args?.name === 'CrRendererMain'
	);
	const tid = main?.tid ?? click.tid;
	const onMain = events.filter(
		(e) => e.pid === click.pid && e.tid === tid && e.ph === 'X' && e.ts >= click.ts - 2000
	);
	const end = frame.ts;
	const tasks = onMain
		.filter((e) => e.name === 'ThreadControllerImpl::RunTask')
		.filter((e) => e.ts <= end && (e.dur ?? 0) >= 1000);
	let busy = 0;
	console.log(
		`first frame at ${((frame.ts - click.ts) / 1000).toFixed(0)} ms, video added at ${added ? ((added.ts - click.ts) / 1000).toFixed(0) : '?'} ms`
	);
	for (const task of tasks) {
		const inside = onMain.filter(
			(e) => e !== task && e.ts >= task.ts && e.ts + (e.dur ?? 0) <= task.ts + (task.dur ?? 0)
		);
		const parts = inside
			.filter((e) => (e.dur ?? 0) >= 700 && !/RunTask|ThreadController/.test(e.name))
			.sort((a, b) => (b.dur ?? 0) - (a.dur ?? 0))
			.slice(0, 6)
			.map((e) => `${describe(e)} ${((e.dur ?? 0) / 1000).toFixed(1)}`);
		busy += task.dur ?? 0;
		console.log(
			`${((task.ts - click.ts) / 1000).toFixed(1).padStart(7)} +${((task.dur ?? 0) / 1000).toFixed(1).padStart(5)}  ${parts.join(' | ')}`
		);
	}
	console.log(`busy in tasks ≥ 1 ms: ${(busy / 1000).toFixed(0)} ms`);
}

const people = Number(process.argv[2] ?? 2);
const runs = Number(process.argv[3] ?? 1);
const app = await startApp(process.env.BUILD);
const browser = await launchWithFakeDevices();
try {
	for (let run = 0; run < runs; run++) {
		const { pages, close } = await callAwaitingLastJoin(browser, app.url, people);
		try {
			const last = pages.at(-1)!;
			await browser.startTracing(undefined, {
				categories: [
					'toplevel',
					'devtools.timeline',
					'disabled-by-default-devtools.timeline',
					'blink.user_timing',
					'v8.execute',
					'v8',
					'disabled-by-default-v8.compile',
					'__metadata'
				]
			});
			await last.evaluate(MEASURE(people));
			const buffer = await browser.stopTracing();
			const { traceEvents } = JSON.parse(buffer.toString()) as { traceEvents: TraceEvent[] };
			console.log(`\n=== run ${run}, ${people} people ===`);
			analyse(traceEvents);
		} finally {
			await close();
		}
	}
} finally {
	await browser.close();
	await app.close();
}
