/**
 * Diagnostic, not a benchmark: the call benchmark's join, floor and Dropcall, with every page's
 * WebRTC calls, socket frames, long frames (Long Animation Frames, with the scripts in them),
 * speaking rings and video frames stamped on one clock, printed as a timeline from the click on
 * Join, and for 2 people each step's time (join answer, offer out and in, answer out and in,
 * ICE, DTLS, remote <video>, first frame) with their medians over the runs.
 *
 *   npx tsx bench/join-trace.ts [people] [runs]
 *
 * Environment: BUILD=<folder> serves another build than build/; NO_FLOOR=1 skips the floor;
 * RECORD=1 has the first person record, as the call benchmark does;
 * QUIET_TRACE=1 prints only the steps; PROFILE=1 adds a CPU profile of each page (for names,
 * build with `minify: false`).
 */
import type { Browser, Page } from '@playwright/test';
import { startFloorServer } from './floor/server.ts';
import { callAwaitingLastJoin, floorCall, launchWithFakeDevices, startApp } from './call.ts';
import { median } from './median.ts';

const TRACE = `(() => {
	const log = [];
	window.__joinLog = log;
	const now = () => performance.timeOrigin + performance.now();
	const mark = (what) => log.push([now(), what]);
	window.__mark = mark;
	let count = 0;
	const Original = RTCPeerConnection;
	class Traced extends Original {
		constructor(...args) {
			super(...args);
			const id = (this.__id = ++count);
			mark('pc' + id + ' new');
			this.addEventListener('icecandidate', (e) =>
				mark('pc' + id + ' icecandidate ' + (e.candidate ? e.candidate.type + ' ' + e.candidate.protocol : 'end')));
			for (const type of ['negotiationneeded', 'signalingstatechange', 'iceconnectionstatechange', 'connectionstatechange', 'icegatheringstatechange']) {
				this.addEventListener(type, () => mark('pc' + id + ' ' + type + ' ' + (this.signalingState + '/' + this.iceConnectionState + '/' + this.connectionState + '/' + this.iceGatheringState)));
			}
			this.addEventListener('track', (e) => mark('pc' + id + ' track ' + e.track.kind));
			this.addEventListener('datachannel', (e) => mark('pc' + id + ' datachannel ' + e.channel.label));
		}
	}
	for (const name of ['setLocalDescription', 'setRemoteDescription', 'createOffer', 'createAnswer', 'addIceCandidate']) {
		const original = Original.prototype[name];
		Traced.prototype[name] = function (...args) {
			const what = 'pc' + this.__id + ' ' + name + '(' + (args[0] && args[0].type ? args[0].type : '') + ')';
			mark(what + ' start');
			const result = original.apply(this, args);
			result.then(() => mark(what + ' done'), (e) => mark(what + ' failed ' + e));
			return result;
		};
	}
	window.RTCPeerConnection = Traced;
	const OriginalSocket = WebSocket;
	window.WebSocket = class extends OriginalSocket {
		constructor(...args) {
			super(...args);
			this.addEventListener('message', (e) => mark('ws in ' + String(e.data).slice(0, 40)));
		}
		send(data) {
			mark('ws out ' + String(data).slice(0, 40));
			super.send(data);
		}
	};
	new MutationObserver((records) => {
		for (const record of records) {
			const figure = record.target;
			if (figure.tagName !== 'FIGURE' || record.oldValue?.includes('speaking') === figure.classList.contains('speaking')) continue;
			mark('speaking ' + (figure.classList.contains('speaking') ? 'on ' : 'off ') + figure.getAttribute('aria-label'));
		}
	}).observe(document, { subtree: true, attributes: true, attributeFilter: ['class'], attributeOldValue: true });
	const seen = new WeakSet();
	const watch = () => {
		for (const video of document.querySelectorAll('video')) {
			if (seen.has(video)) continue;
			seen.add(video);
			const label = video.closest('figure')?.getAttribute('aria-label') ?? 'video';
			mark('video added ' + label + (video.srcObject ? ' with stream' : ''));
			video.addEventListener('loadedmetadata', () => mark('video loadedmetadata ' + label));
			video.addEventListener('playing', () => mark('video playing ' + label));
			video.requestVideoFrameCallback((_, meta) => mark('video first frame ' + label));
		}
		requestAnimationFrame(watch);
	};
	requestAnimationFrame(watch);
	new PerformanceObserver((list) => {
		for (const entry of list.getEntries()) {
			const scripts = entry.scripts
				.filter((script) => script.duration >= 3)
				.map((script) => script.invoker + ' ' + (script.sourceFunctionName || '') + ' ' + script.sourceURL.split('/').pop() + ':' + script.sourceCharPosition + ' ' + script.duration.toFixed(0))
				.join(' | ');
			log.push([performance.timeOrigin + entry.startTime, 'frame ' + entry.duration.toFixed(0) + ' ms (script ' + entry.scripts.reduce((sum, s) => sum + s.duration, 0).toFixed(0) + ', render ' + (entry.startTime + entry.duration - entry.renderStart).toFixed(0) + ') ' + scripts]);
		}
	}).observe({ type: 'long-animation-frame', buffered: true });
})()`;

const JOIN = (join: string) =>
	`const since = window.__joinLog.length; window.__mark('click'); ${join}; new Promise((resolve) => { const poll = () => { if (window.__joinLog.slice(since).some(([, w]) => /^video first frame (video|P\\d+)$/.test(w) && w !== 'video first frame P_SELF')) resolve(); else setTimeout(poll, 5); }; poll(); })`;

interface ProfileNode {
	id: number;
	callFrame: { functionName: string; url: string; lineNumber: number };
	children?: number[];
}

/** Inclusive and self time per function over a CPU profile, the heaviest first. */
function summarize(profile: { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] }) {
	const parents = new Map<number, number>();
	const byId = new Map(profile.nodes.map((node) => [node.id, node]));
	for (const node of profile.nodes)
		for (const child of node.children ?? []) parents.set(child, node.id);
	const inclusive = new Map<string, number>();
	const self = new Map<string, number>();
	const name = (node: ProfileNode) =>
		`${node.callFrame.functionName || '(anon)'} ${node.callFrame.url.split('/').pop()}:${node.callFrame.lineNumber + 1}`;
	profile.samples.forEach((id, index) => {
		const ms = (profile.timeDeltas[index + 1] ?? 0) / 1000;
		const leaf = byId.get(id)!;
		self.set(name(leaf), (self.get(name(leaf)) ?? 0) + ms);
		const seen = new Set<string>();
		for (let at: number | undefined = id; at !== undefined; at = parents.get(at)) {
			const key = name(byId.get(at)!);
			if (seen.has(key)) continue;
			seen.add(key);
			inclusive.set(key, (inclusive.get(key) ?? 0) + ms);
		}
	});
	const top = (map: Map<string, number>, count: number) =>
		[...map]
			.sort((a, b) => b[1] - a[1])
			.slice(0, count)
			.map(([key, ms]) => `${ms.toFixed(1).padStart(7)} ${key}`);
	const total = new Map<number, number>();
	const selfById = new Map<number, number>();
	profile.samples.forEach((id, index) => {
		selfById.set(id, (selfById.get(id) ?? 0) + (profile.timeDeltas[index + 1] ?? 0) / 1000);
	});
	const sum = (node: ProfileNode): number => {
		const ms =
			(selfById.get(node.id) ?? 0) +
			(node.children ?? []).reduce((acc, child) => acc + sum(byId.get(child)!), 0);
		total.set(node.id, ms);
		return ms;
	};
	sum(profile.nodes[0]!);
	const tree: string[] = [];
	const walk = (node: ProfileNode, depth: number) => {
		if ((total.get(node.id) ?? 0) < 4 || name(node).startsWith('(idle)')) return;
		tree.push(`${' '.repeat(depth)}${(total.get(node.id) ?? 0).toFixed(1)} ${name(node)}`);
		for (const child of node.children ?? []) walk(byId.get(child)!, depth + 1);
	};
	walk(profile.nodes[0]!, 0);
	return ['  tree:', ...tree, '  self:', ...top(self, 25)];
}

type Event = { at: number; index: number; what: string };
const phaseLog: Record<string, Record<string, number[]>> = {};

/** The steps of the 2-person critical path, from the joiner's (last page's) click. */
function phases(kind: string, events: Event[], last: number) {
	const find = (index: number, test: (what: string) => boolean) =>
		events.find((event) => event.index === index && test(event.what))?.at ?? NaN;
	const steps: [string, number][] = [
		['ack', find(last, (w) => w.startsWith('ws in 43'))],
		['offer out', find(last, (w) => w.startsWith('ws out 42["signal"'))],
		['offer in', find(0, (w) => w.startsWith('ws in 42["signal"'))],
		['answer out', find(0, (w) => w.startsWith('ws out 42["signal"'))],
		['answer in', find(last, (w) => w.includes('setRemoteDescription(answer) start'))],
		['answer set', find(last, (w) => w.includes('setRemoteDescription(answer) done'))],
		['ice', find(last, (w) => / iceconnectionstatechange \w+\/connected/.test(w))],
		['dtls', find(last, (w) => / connectionstatechange \w+\/\w+\/connected/.test(w))],
		['video', find(last, (w) => /^video added (video|P\d+)/.test(w) && !w.includes(`P${last}`))],
		[
			'frame',
			find(last, (w) => /^video first frame (video|P\d+)$/.test(w) && !w.includes(`P${last}`))
		]
	];
	const log = (phaseLog[kind] ??= {});
	for (const [name, at] of steps) (log[name] ??= []).push(at);
	return `${kind}: ` + steps.map(([name, at]) => `${name} ${at.toFixed(0)}`).join(', ');
}

function printPhases() {
	for (const [kind, log] of Object.entries(phaseLog)) {
		console.log(
			`${kind} medians: ` +
				Object.entries(log)
					.map(([name, values]) => `${name} ${median(values).toFixed(0)}`)
					.join(', ')
		);
	}
}

async function timeline(pages: Page[], joiner: Page): Promise<string[]> {
	const logs = await Promise.all(
		pages.map((page) => page.evaluate('window.__joinLog') as Promise<[number, string][]>)
	);
	const click = logs[pages.indexOf(joiner)]!.find(([, what]) => what === 'click')![0];
	const events = logs
		.flatMap((log, index) =>
			log.filter(([at]) => at >= click - 5).map(([at, what]) => ({ at: at - click, index, what }))
		)
		.sort((a, b) => a.at - b.at);
	if (pages.length === 2)
		console.log(phases(pages[0]!.url().includes('/r/') ? 'Dropcall' : 'floor', events, 1));
	if (process.env.QUIET_TRACE) return [];
	return events.map(({ at, index, what }) => `${at.toFixed(1).padStart(7)}  P${index}  ${what}`);
}

async function dropcall(browser: Browser, url: string, people: number): Promise<string[]> {
	const { pages, close } = await callAwaitingLastJoin(browser, url, people, (index) =>
		TRACE.replace('P_SELF', `P${index}`)
	);
	try {
		if (process.env.RECORD) {
			await pages[0]!.getByRole('button', { name: 'Record', exact: true }).click();
			await pages[0]!.getByRole('button', { name: 'Stop recording' }).waitFor();
		}
		const last = pages.at(-1)!;
		const profilers = await startProfiling(pages);
		await last.evaluate(
			JOIN(`document.querySelector('form button[type=submit]').click()`).replace(
				'P_SELF',
				`P${people - 1}`
			)
		);
		await new Promise((resolve) => setTimeout(resolve, 300));
		return [...(await timeline(pages, last)), ...(await stopProfiling(profilers))];
	} finally {
		await close();
	}
}

async function startProfiling(pages: Page[]) {
	if (!process.env.PROFILE) return [];
	return Promise.all(
		pages.map(async (page) => {
			const cdp = await page.context().newCDPSession(page);
			await cdp.send('Profiler.enable');
			await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
			await cdp.send('Profiler.start');
			return cdp;
		})
	);
}

async function stopProfiling(profilers: Awaited<ReturnType<typeof startProfiling>>) {
	const lines: string[] = [];
	for (const [index, cdp] of profilers.entries()) {
		const { profile } = await cdp.send('Profiler.stop');
		lines.push(`--- P${index} profile`, ...summarize(profile as never));
	}
	return lines;
}

async function floor(browser: Browser, url: string, people: number, room: string) {
	const { pages, close } = await floorCall(browser, url, people, room, people - 1, TRACE);
	try {
		const last = pages.at(-1)!;
		await last.evaluate(JOIN(`window.join(${JSON.stringify(room)})`));
		await new Promise((resolve) => setTimeout(resolve, 300));
		return await timeline(pages, last);
	} finally {
		await close();
	}
}

const people = Number(process.argv[2] ?? 2);
const runs = Number(process.argv[3] ?? 1);
// BUILD names another build to serve; the current one otherwise.
const app = await startApp(process.env.BUILD);
const floorServer = await startFloorServer();
const browser = await launchWithFakeDevices();
try {
	for (let run = 0; run < runs; run++) {
		if (!process.env.NO_FLOOR) {
			console.log(`\n=== floor, ${people} people ===`);
			console.log((await floor(browser, floorServer.url, people, `trace-${run}`)).join('\n'));
		}
		console.log(`\n=== Dropcall, ${people} people ===`);
		console.log((await dropcall(browser, app.url, people)).join('\n'));
	}
	printPhases();
} finally {
	await browser.close();
	await floorServer.close();
	await app.close();
}
