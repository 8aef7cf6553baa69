/** A process's memory and CPU time, read from /proc (Linux), for figures about a server. */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';

export /**
 * The server's resident memory from /proc: the kernel's high-water mark (VmHWM, reset at the
 * start) and samples every 20 ms, so a short peak between samples still counts.
 */
class MemoryWatch {
	readonly #pid: number;
	#baseline = 0;
	#peak = 0;
	#timer: NodeJS.Timeout | undefined;

	constructor(pid: number) {
		this.#pid = pid;
	}

	async #read(field: 'VmRSS' | 'VmHWM'): Promise<number> {
		const status = await readFile(`/proc/${this.#pid}/status`, 'utf8');
		return Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1] ?? 0) * 1024;
	}

	async start(): Promise<void> {
		// Writing 5 to clear_refs resets the high-water mark to the current RSS (Linux ≥ 4.0).
		await writeFile(`/proc/${this.#pid}/clear_refs`, '5').catch(() => {});
		this.#baseline = await this.#read('VmRSS');
		this.#peak = this.#baseline;
		this.#timer = setInterval(() => {
			void this.#read('VmRSS').then((rss) => (this.#peak = Math.max(this.#peak, rss)));
		}, 20);
	}

	async stop(): Promise<number> {
		clearInterval(this.#timer);
		const highWater = await this.#read('VmHWM');
		return Math.max(this.#peak, highWater) - this.#baseline;
	}
}

/** CPU seconds a process has used, in user space and in the kernel, from /proc/<pid>/stat. */
export interface CpuTime {
	user: number;
	system: number;
}

export class CpuWatch {
	readonly #pid: number;

	constructor(pid: number) {
		this.#pid = pid;
	}

	async time(): Promise<CpuTime> {
		const { user, system } = readStat(`/proc/${this.#pid}/stat`);
		return { user, system };
	}

	/** Runs work and returns the CPU time the process used meanwhile. */
	async during(work: () => Promise<unknown>): Promise<CpuTime> {
		const before = await this.time();
		await work();
		const after = await this.time();
		return { user: after.user - before.user, system: after.system - before.system };
	}
}

/** How /proc counts CPU time: clock ticks, 100 a second on Linux as built. */
const TICKS_PER_SECOND = Number(spawnSync('getconf', ['CLK_TCK']).stdout.toString()) || 100;

/** What /proc/<pid>/stat (or a thread's, /proc/<pid>/task/<tid>/stat) says of it. */
function readStat(path: string) {
	const stat = readFileSync(path, 'utf8');
	// Fields after the command name, which may itself contain spaces: utime is the 12th.
	const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
	const user = Number(fields[11]) / TICKS_PER_SECOND;
	const system = Number(fields[12]) / TICKS_PER_SECOND;
	return {
		name: stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')),
		parent: Number(fields[1]),
		rssBytes: Number(fields[21]) * 4096,
		user,
		system,
		cpuSeconds: user + system
	};
}

/** CPU seconds (user and system) one process has spent so far. */
export function cpuSecondsOf(pid: number): number {
	return readStat(`/proc/${pid}/stat`).cpuSeconds;
}

export interface ChromiumProcess {
	pid: number;
	/** Chromium's own name for it: browser, renderer, gpu-process, or a utility's service. */
	kind: string;
	rssBytes: number;
	cpuSeconds: number;
}

/** Every live Chromium process this benchmark started, with its memory and CPU time so far. */
export function chromiumProcesses(): ChromiumProcess[] {
	const parents = new Map<number, number>();
	const found: ChromiumProcess[] = [];
	for (const entry of readdirSync('/proc')) {
		if (!/^\d+$/.test(entry)) continue;
		try {
			const { name, parent, rssBytes, cpuSeconds } = readStat(`/proc/${entry}/stat`);
			parents.set(Number(entry), parent);
			if (!/chrom/i.test(name)) continue;
			const commandLine = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
			found.push({
				pid: Number(entry),
				kind:
					/--utility-sub-type=(?:\w+\.)*(\w+)/.exec(commandLine)?.[1] ??
					/--type=([\w-]+)/.exec(commandLine)?.[1] ??
					'browser',
				rssBytes,
				cpuSeconds
			});
		} catch {
			// The process ended while being read.
		}
	}
	const isOurs = (pid: number) => {
		for (let at: number | undefined = pid; at && at > 1; at = parents.get(at)) {
			if (at === process.pid) return true;
		}
		return false;
	};
	return found.filter((chromiumProcess) => isOurs(chromiumProcess.pid));
}

export interface ChromiumThread {
	pid: number;
	/** Its process's kind (see ChromiumProcess). */
	kind: string;
	tid: number;
	/** Chromium's name for the thread, cut to 15 characters by Linux. */
	name: string;
	cpuSeconds: number;
}

/** Every thread of the Chromium processes this benchmark started, with its CPU time so far. */
export function chromiumThreads(): ChromiumThread[] {
	const threads: ChromiumThread[] = [];
	for (const { pid, kind } of chromiumProcesses()) {
		let tids: string[];
		try {
			tids = readdirSync(`/proc/${pid}/task`);
		} catch {
			continue; // the process ended meanwhile
		}
		for (const tid of tids) {
			try {
				const { name, cpuSeconds } = readStat(`/proc/${pid}/task/${tid}/stat`);
				threads.push({ pid, kind, tid: Number(tid), name, cpuSeconds });
			} catch {
				// The thread ended while being read.
			}
		}
	}
	return threads;
}

/** Resident memory of every Chromium process this benchmark started. */
export function chromiumRss(): number {
	return chromiumProcesses().reduce((sum, { rssBytes }) => sum + rssBytes, 0);
}

/** CPU seconds (user and system) that Chromium's live processes have spent so far. */
export function chromiumCpuSeconds(): number {
	return chromiumProcesses().reduce((sum, { cpuSeconds }) => sum + cpuSeconds, 0);
}
