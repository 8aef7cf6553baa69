/** A process's memory and CPU time, read from /proc (Linux), for figures about a server. */
import { spawnSync } from 'node:child_process';
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
	readonly #ticksPerSecond = Number(spawnSync('getconf', ['CLK_TCK']).stdout.toString()) || 100;

	constructor(pid: number) {
		this.#pid = pid;
	}

	async time(): Promise<CpuTime> {
		const stat = await readFile(`/proc/${this.#pid}/stat`, 'utf8');
		// Fields after the command name, which may itself contain spaces: utime is the 12th.
		const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
		return {
			user: Number(fields[11]) / this.#ticksPerSecond,
			system: Number(fields[12]) / this.#ticksPerSecond
		};
	}

	/** Runs work and returns the CPU time the process used meanwhile. */
	async during(work: () => Promise<unknown>): Promise<CpuTime> {
		const before = await this.time();
		await work();
		const after = await this.time();
		return { user: after.user - before.user, system: after.system - before.system };
	}
}
