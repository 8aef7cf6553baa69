/**
 * The server's cost per connection, over loopback: resident memory per idle connection, then
 * signaling relay latency and CPU with rooms of 4 bots each sending a 2 KiB signal to a
 * room-mate once a second. The server runs as its own process, as `npm start` runs it; the bots
 * run in their own processes (bench/load/bots.ts), spread over many loopback source addresses
 * so per-address limits see many people with a few connections each.
 *
 * Flags: --idle N (10000), --rooms N (2500), --seconds S (20), --bot-processes P (2),
 * --per-address N (8). Either phase is skipped with 0.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Report } from './load/bots.ts';
import { Fleet, shares } from './load/fleet.ts';
import { checkOpenFilesLimit, rssBytes, startLoadServer, type Memory } from './load/server.ts';
import { CpuWatch, type CpuTime } from './proc.ts';
import type { Benchmark } from './run.ts';

const KiB = 1024;
const MiB = 2 ** 20;
const SIGNAL_BYTES = 2 * KiB;
const WARM_UP_SECONDS = 3;
/** Connections opened before the memory baseline, so first-use allocations are not counted. */
const WARM_UP_CONNECTIONS = 200;
const TARGET_KIB_PER_IDLE = 8;
const TARGET_P99_MS = 50;

/** Which server a phase loads: the floor first, so Dropcall's figures read against it. */
interface LoadedServer {
	label: string;
	entry?: string;
	hasTargets: boolean;
}

const servers: LoadedServer[] = [
	{
		label: 'floor (Socket.IO alone, bench/load/floor-server.ts)',
		entry: join(import.meta.dirname, 'load/floor-server.ts'),
		hasTargets: false
	},
	{ label: 'Dropcall', hasTargets: true }
];

interface Settings {
	idle: number;
	rooms: number;
	seconds: number;
	botProcesses: number;
	perAddress: number;
}

function flag(name: string, fallback: number, min: number): number {
	const index = process.argv.indexOf(`--${name}`);
	if (index === -1) return fallback;
	const value = Number(process.argv[index + 1]);
	if (!Number.isInteger(value) || value < min) {
		throw new Error(`--${name} takes a whole number of at least ${min}`);
	}
	return value;
}

function readSettings(): Settings {
	return {
		idle: flag('idle', 10_000, 0),
		rooms: flag('rooms', 2500, 0),
		seconds: flag('seconds', 20, 1),
		botProcesses: flag('bot-processes', 2, 1),
		perAddress: flag('per-address', 8, 1)
	};
}

export const loadBenchmark: Benchmark = {
	name: 'load: connections and signaling relay',
	deadlineSeconds: 900,
	async run(signal) {
		const settings = readSettings();
		checkOpenFilesLimit(Math.max(settings.idle + WARM_UP_CONNECTIONS, settings.rooms * 4));
		const scratch = mkdtempSync(join(tmpdir(), 'dropcall-load-'));
		const fleet = new Fleet(settings.botProcesses, signal);
		const loadBefore = loadavg()[0]!;
		try {
			// Each phase prints as it ends: the two take minutes at full size.
			const print = (lines: string[]) => lines.forEach((line) => console.log(`  ${line}`));
			for (const server of servers) {
				if (settings.idle > 0) print(await idlePhase(settings, fleet, scratch, signal, server));
			}
			for (const server of servers) {
				if (settings.rooms > 0) print(await relayPhase(settings, fleet, scratch, signal, server));
			}
			return [
				`loopback, bots spread over ${settings.botProcesses} processes and source addresses of ${settings.perAddress} connections each; load average ${loadBefore.toFixed(1)} → ${loadavg()[0]!.toFixed(1)} on ${cpus().length} cores`
			];
		} finally {
			await fleet.stop();
			rmSync(scratch, { recursive: true, force: true });
		}
	}
};

const describeFailures = (failures: Record<string, number>[]) => {
	const total: Record<string, number> = {};
	for (const each of failures) {
		for (const [code, count] of Object.entries(each)) total[code] = (total[code] ?? 0) + count;
	}
	const entries = Object.entries(total);
	if (entries.length === 0) return '';
	const hints: Record<string, string> = {
		EMFILE: 'raise the open-files limit: ulimit -n',
		EADDRNOTAVAIL: 'out of source ports: lower --per-address',
		ECONNREFUSED: 'the server stopped accepting'
	};
	return `; FAILED: ${entries.map(([code, count]) => `${count}× ${code}${hints[code] ? ` (${hints[code]})` : ''}`).join(', ')}`;
};

/** How many bot connections are still open, and why the others ended. */
function describeStatus(reports: Extract<Report, { type: 'status' }>[]): string {
	const connected = reports.reduce((sum, report) => sum + report.connected, 0);
	const dropped: Record<string, number> = {};
	for (const report of reports) {
		for (const [reason, count] of Object.entries(report.dropped)) {
			dropped[reason] = (dropped[reason] ?? 0) + count;
		}
	}
	const reasons = Object.entries(dropped);
	return `${connected} connections open${reasons.length ? `; DROPPED: ${reasons.map(([reason, count]) => `${count}× ${reason}`).join(', ')}` : ''}`;
}

async function idlePhase(
	settings: Settings,
	fleet: Fleet,
	scratch: string,
	signal: AbortSignal,
	loaded: LoadedServer
) {
	const server = await startLoadServer(join(scratch, 'idle'), signal, {}, loaded.entry);
	try {
		const processes = fleet.processes.length;
		const warmUp = shares(WARM_UP_CONNECTIONS, processes);
		const counts = shares(settings.idle, processes);
		let firstBot = 0;
		const command = (count: number) => {
			const each = {
				type: 'idle' as const,
				url: server.url,
				count,
				firstBot,
				perAddress: settings.perAddress
			};
			firstBot += count;
			return each;
		};
		await fleet.ask(warmUp.map(command), 'connected');
		const before = await server.settledMemory();
		const cpu = new CpuWatch(server.child.pid!);
		const started = performance.now();
		let reports: Awaited<ReturnType<typeof fleet.ask<'connected'>>> = [];
		const used = await cpu.during(async () => {
			reports = await fleet.ask(counts.map(command), 'connected');
		});
		const openSeconds = (performance.now() - started) / 1000;
		// Each process reports its running total, warm-up included.
		const opened = reports.reduce((sum, report) => sum + report.opened, 0) - WARM_UP_CONNECTIONS;
		// Heartbeats and the last handshakes settle before the reading.
		await sleep(2000, undefined, { signal });
		const after = await server.settledMemory();
		const status = await fleet.ask(
			fleet.processes.map(() => ({ type: 'status' as const })),
			'status'
		);
		await fleet.ask(
			fleet.processes.map(() => ({ type: 'close' as const })),
			'closed'
		);
		const each = (pick: (memory: Memory) => number) =>
			(pick(after) - pick(before)) / Math.max(opened, 1) / KiB;
		const perConnection = each((memory) => memory.rssBytes);
		return [
			`idle, ${loaded.label}: ${opened} connections opened in ${openSeconds.toFixed(1)} s${describeFailures(reports.map((report) => report.failures))}; server CPU ${cpuText(used)} to accept them`,
			`  ${describeStatus(status)} when measured`,
			`  server RSS after GC ${(before.rssBytes / MiB).toFixed(1)} → ${(after.rssBytes / MiB).toFixed(1)} MiB: ${perConnection.toFixed(1)} KiB per idle connection${loaded.hasTargets ? ` (${mark(perConnection <= TARGET_KIB_PER_IDLE)} target ≤ ${TARGET_KIB_PER_IDLE} KiB)` : ''}, of which JavaScript heap ${each((memory) => memory.heapBytes).toFixed(1)} KiB and buffers ${each((memory) => memory.externalBytes).toFixed(1)} KiB`
		];
	} finally {
		await server.stop();
	}
}

async function relayPhase(
	settings: Settings,
	fleet: Fleet,
	scratch: string,
	signal: AbortSignal,
	loaded: LoadedServer
) {
	const server = await startLoadServer(join(scratch, 'relay'), signal, {}, loaded.entry);
	try {
		const roomShares = shares(settings.rooms, fleet.processes.length);
		let firstBot = 0;
		const joining = performance.now();
		const joined = await fleet.ask(
			roomShares.map((rooms) => {
				const command = {
					type: 'rooms' as const,
					url: server.url,
					rooms,
					firstBot,
					perAddress: settings.perAddress
				};
				firstBot += rooms * 4;
				return command;
			}),
			'joined'
		);
		const joinSeconds = (performance.now() - joining) / 1000;
		const rooms = joined.reduce((sum, report) => sum + report.rooms, 0);
		const rssBefore = (await server.settledMemory()).rssBytes;

		const serverCpu = new CpuWatch(server.child.pid!);
		const botCpus = fleet.processes.map((child) => new CpuWatch(child.pid!));
		const relayed = fleet.ask(
			fleet.processes.map(() => ({
				type: 'relay' as const,
				seconds: settings.seconds,
				warmUpSeconds: WARM_UP_SECONDS,
				signalBytes: SIGNAL_BYTES
			})),
			'relayed'
		);
		await sleep(WARM_UP_SECONDS * 1000, undefined, { signal });
		const serverStart = await serverCpu.time();
		const botStarts = await Promise.all(botCpus.map((watch) => watch.time()));
		await sleep(settings.seconds * 1000, undefined, { signal });
		const serverUsed = minus(await serverCpu.time(), serverStart);
		const botsUsed = await Promise.all(
			botCpus.map(async (watch, index) => minus(await watch.time(), botStarts[index]!))
		);
		const rssDuring = await rssBytes(server.child.pid!);
		const reports = await relayed;
		const status = await fleet.ask(
			fleet.processes.map(() => ({ type: 'status' as const })),
			'status'
		);
		await fleet.ask(
			fleet.processes.map(() => ({ type: 'close' as const })),
			'closed'
		);

		const latencies = new Float64Array(reports.reduce((sum, r) => sum + r.latenciesMs.length, 0));
		let offset = 0;
		for (const report of reports) {
			latencies.set(report.latenciesMs, offset);
			offset += report.latenciesMs.length;
		}
		latencies.sort();
		const at = (fraction: number) =>
			latencies[Math.min(latencies.length - 1, Math.floor(fraction * latencies.length))] ?? NaN;
		const sent = reports.reduce((sum, r) => sum + r.sent, 0);
		const lost = reports.reduce((sum, r) => sum + r.lost, 0);
		const perSecond = (time: CpuTime) => (time.user + time.system) / settings.seconds;
		const busiestBot = Math.max(...botsUsed.map(perSecond));
		return [
			`relay, ${loaded.label}: ${rooms} rooms × 4 bots joined in ${joinSeconds.toFixed(1)} s${describeFailures(joined.map((r) => r.failures))}; each bot sends a ${SIGNAL_BYTES / KiB} KiB signal to a room-mate once a second: ${Math.round(sent / settings.seconds)} signals/s for ${settings.seconds} s after ${WARM_UP_SECONDS} s of warm-up`,
			`  ${describeStatus(status)} at the end`,
			`  relay latency p50 ${at(0.5).toFixed(1)} ms, p90 ${at(0.9).toFixed(1)} ms, p99 ${at(0.99).toFixed(1)} ms, max ${at(1).toFixed(1)} ms${loaded.hasTargets ? ` (${mark(at(0.99) < TARGET_P99_MS)} target p99 < ${TARGET_P99_MS} ms)` : ''}; ${sent} sent, ${lost} not delivered (refused or lost)`,
			`  server CPU ${cpuText(serverUsed)} = ${(perSecond(serverUsed) * 100).toFixed(0)}% of a core, ${(((serverUsed.user + serverUsed.system) * 1e6) / Math.max(sent, 1)).toFixed(0)} µs per signal; RSS after GC with every room joined ${(rssBefore / MiB).toFixed(1)} MiB, ${(rssDuring / MiB).toFixed(1)} MiB at the end of the relay`,
			`  bots' own CPU: ${botsUsed.map((time) => `${(perSecond(time) * 100).toFixed(0)}%`).join(', ')} of a core per process` +
				(busiestBot > 0.9
					? ' — a bot process was nearly saturated, so latency includes the clients’ own queueing; try more --bot-processes'
					: '')
		];
	} finally {
		await server.stop();
	}
}

const minus = (after: CpuTime, before: CpuTime): CpuTime => ({
	user: after.user - before.user,
	system: after.system - before.system
});
const cpuText = (time: CpuTime) =>
	`${time.user.toFixed(2)} + ${time.system.toFixed(2)} s (user + kernel)`;
const mark = (ok: boolean) => (ok ? 'meets' : 'MISSES');
