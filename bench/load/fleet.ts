/** The bot processes of the load benchmark (bench/load/bots.ts), driven over IPC. */
import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { Command, Report } from './bots.ts';

export class Fleet {
	readonly processes: ChildProcess[];

	constructor(size: number, signal: AbortSignal) {
		this.processes = Array.from({ length: size }, () => {
			const child = fork(join(import.meta.dirname, 'bots.ts'), [], {
				execArgv: ['--import', 'tsx'],
				// Typed arrays of latencies travel as they are rather than as JSON.
				serialization: 'advanced',
				stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
				signal
			});
			child.on('error', () => {});
			return child;
		});
	}

	/** Sends each process its command and waits for every answer of the given type. */
	ask<T extends Report['type']>(
		commands: Command[],
		answer: T
	): Promise<Extract<Report, { type: T }>[]> {
		return Promise.all(
			this.processes.map(
				(child, index) =>
					new Promise<Extract<Report, { type: T }>>((resolve, reject) => {
						const onExit = (code: number | null) =>
							reject(new Error(`a bot process exited (${code}) while waiting for "${answer}"`));
						const onMessage = (report: Report) => {
							if (report.type !== answer) return;
							child.off('message', onMessage);
							child.off('exit', onExit);
							resolve(report as Extract<Report, { type: T }>);
						};
						child.on('message', onMessage);
						child.once('exit', onExit);
						child.send(commands[index]!);
					})
			)
		);
	}

	async stop(): Promise<void> {
		await Promise.all(
			this.processes
				.filter((child) => child.exitCode === null && child.signalCode === null)
				.map((child) => {
					const exited = new Promise((resolve) => child.once('exit', resolve));
					child.kill('SIGTERM');
					return exited;
				})
		);
	}
}

/** Splits `total` into `parts` nearly equal whole shares, largest first. */
export function shares(total: number, parts: number): number[] {
	return Array.from(
		{ length: parts },
		(_, index) => Math.floor(total / parts) + (index < total % parts ? 1 : 0)
	);
}
