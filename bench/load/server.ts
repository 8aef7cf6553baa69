/**
 * The server under load, as `npm start` runs it, in its own process so its memory and CPU are
 * its own; and the open-files limit both it and the bots need.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..', '..');

export async function startLoadServer(
	scratch: string,
	signal: AbortSignal,
	/** More settings: REDIS_URL and NODE_NAME for a process of a cluster. */
	env: Record<string, string> = {},
	/** The server to run: Dropcall's, or the floor (bench/load/floor-server.ts). */
	entry = join(root, 'server/index.ts')
) {
	// The server needs a built app to start; the benchmark never asks for it.
	const staticDir = join(scratch, 'static');
	await mkdir(staticDir, { recursive: true });
	await writeFile(join(staticDir, 'index.html'), '<!doctype html>');
	const child = spawn(
		process.execPath,
		['--expose-gc', '--import', 'tsx', '--import', join(import.meta.dirname, 'gc-hook.ts'), entry],
		{
			cwd: root,
			env: {
				...process.env,
				HOST: '127.0.0.1',
				PORT: '0',
				QUIET: '1',
				STATIC_DIR: staticDir,
				UPLOAD_DIR: join(scratch, 'uploads'),
				...env
			},
			stdio: ['ignore', 'pipe', 'inherit'],
			signal
		}
	);
	child.on('error', () => {});
	let output = '';
	let onOutput = () => {};
	child.stdout.on('data', (chunk: Buffer) => {
		output += chunk.toString();
		onOutput();
	});
	const waitFor = (pattern: RegExp) =>
		new Promise<RegExpExecArray>((resolve, reject) => {
			const check = () => {
				const match = pattern.exec(output);
				if (!match) return;
				output = output.slice(match.index + match[0].length);
				resolve(match);
			};
			onOutput = check;
			child.once('exit', (code) => reject(new Error(`the server exited (${code})`)));
			check();
		});
	const url = (await waitFor(/running on (http:\/\/\S+)/))[1]!;
	const pid = child.pid!;
	return {
		child,
		url,
		/**
		 * Memory after a full garbage collection (see gc-hook.ts): resident, and of it the
		 * JavaScript heap and what V8 counts outside it (buffers).
		 */
		async settledMemory(): Promise<Memory> {
			const collected = waitFor(/gc done (\d+) (\d+)\n/);
			child.kill('SIGUSR2');
			const [, heapBytes, externalBytes] = await collected;
			return {
				rssBytes: await rssBytes(pid),
				heapBytes: Number(heapBytes),
				externalBytes: Number(externalBytes)
			};
		},
		async stop() {
			if (child.exitCode !== null) return;
			const exited = new Promise((resolve) => child.once('exit', resolve));
			child.kill('SIGTERM');
			await exited;
		}
	};
}

export interface Memory {
	rssBytes: number;
	heapBytes: number;
	externalBytes: number;
}

export async function rssBytes(pid: number): Promise<number> {
	const status = await readFile(`/proc/${pid}/status`, 'utf8');
	return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024;
}

/**
 * Every connection is a file descriptor on both ends; a process past its limit fails to
 * accept or connect with EMFILE. Children inherit the limit, so checking here covers the
 * server and the bots.
 */
export function checkOpenFilesLimit(connections: number): void {
	const limits = readFileSync('/proc/self/limits', 'utf8');
	const [, soft = 'unlimited', hard = 'unlimited'] =
		/Max open files\s+(\S+)\s+(\S+)/.exec(limits) ?? [];
	const needed = connections + 1024;
	if (soft !== 'unlimited' && Number(soft) < needed) {
		throw new Error(
			`${connections} connections need about ${needed} open files per process, and the limit is ${soft}: run \`ulimit -n ${needed}\` first` +
				(hard !== 'unlimited' && Number(hard) < needed
					? ` (the hard limit is ${hard}: raise nofile in /etc/security/limits.conf, or pass fewer with --idle and --rooms)`
					: '')
		);
	}
}
