/**
 * `npm run bench -- cluster`: what several processes cost and what they save.
 *
 * Relay: rooms of 4 bots, each sending a 2 KiB signal to a room-mate once a second, first on one
 * process (everything in memory), then on two processes sharing Redis with each room's seats
 * alternating between them, so every signal crosses from one process to the other through
 * Socket.IO's Redis adapter. Same bots, same machine, same run.
 *
 * Failover: people connected through HAProxy to two processes; one process is SIGKILLed, and
 * the clock runs until every person it held has reconnected through the proxy and resumed their
 * seat on the other process.
 *
 * Flags: --rooms N (1000), --seconds S (15), --bot-processes P (2), --per-address N (8),
 * --failover-rooms N (100).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { io, type Socket } from 'socket.io-client';
import { freePort, missingBinaries, startCluster } from '../scripts/cluster-launch.ts';
import type { JoinAnswer, Result } from '../src/lib/protocol.ts';
import { Fleet, shares } from './load/fleet.ts';
import { checkOpenFilesLimit, startLoadServer } from './load/server.ts';
import type { Benchmark } from './run.ts';

const SIGNAL_BYTES = 2048;
const WARM_UP_SECONDS = 3;

function flag(name: string, fallback: number): number {
	const index = process.argv.indexOf(`--${name}`);
	if (index === -1) return fallback;
	const value = Number(process.argv[index + 1]);
	if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} takes a whole number`);
	return value;
}

interface RelayFigures {
	p50: number;
	p99: number;
	sent: number;
	lost: number;
	rooms: number;
	failures: string;
}

async function relay(
	urls: string[],
	rooms: number,
	seconds: number,
	perAddress: number,
	fleet: Fleet,
	signal: AbortSignal
): Promise<RelayFigures> {
	let firstBot = 0;
	const joined = await fleet.ask(
		shares(rooms, fleet.processes.length).map((count) => {
			const command = {
				type: 'rooms' as const,
				url: urls[0]!,
				urls,
				rooms: count,
				firstBot,
				perAddress
			};
			firstBot += count * 4;
			return command;
		}),
		'joined'
	);
	const relayed = fleet.ask(
		fleet.processes.map(() => ({
			type: 'relay' as const,
			seconds,
			warmUpSeconds: WARM_UP_SECONDS,
			signalBytes: SIGNAL_BYTES
		})),
		'relayed'
	);
	await sleep((WARM_UP_SECONDS + seconds) * 1000, undefined, { signal });
	const reports = await relayed;
	await fleet.ask(
		fleet.processes.map(() => ({ type: 'close' as const })),
		'closed'
	);
	const latencies = Float64Array.from(reports.flatMap((report) => [...report.latenciesMs])).sort();
	const at = (fraction: number) =>
		latencies[Math.min(latencies.length - 1, Math.floor(fraction * latencies.length))] ?? NaN;
	const failures = joined.flatMap((report) =>
		Object.entries(report.failures).map(([code, count]) => `${count}× ${code}`)
	);
	return {
		p50: at(0.5),
		p99: at(0.99),
		sent: reports.reduce((sum, report) => sum + report.sent, 0),
		lost: reports.reduce((sum, report) => sum + report.lost, 0),
		rooms: joined.reduce((sum, report) => sum + report.rooms, 0),
		failures: failures.length ? `; FAILED joins: ${failures.join(', ')}` : ''
	};
}

async function startRedis(folder: string): Promise<{ url: string; child: ChildProcess }> {
	const port = await freePort();
	const child = spawn(
		'redis-server',
		['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
		{ cwd: folder, stdio: 'ignore' }
	);
	const url = `redis://127.0.0.1:${port}`;
	for (let tries = 0; tries < 100; tries += 1) {
		const answered = await fetch(`http://127.0.0.1:${port}`).then(
			() => true,
			// Redis closes an HTTP request at once; refused means it is not listening yet.
			(error: Error & { cause?: { code?: string } }) => error.cause?.code !== 'ECONNREFUSED'
		);
		if (answered) return { url, child };
		await sleep(100);
	}
	child.kill('SIGKILL');
	throw new Error('redis-server did not start');
}

const stopChild = async (child: ChildProcess) => {
	if (child.exitCode !== null || child.signalCode !== null) return;
	const exited = new Promise((done) => child.once('exit', done));
	child.kill('SIGTERM');
	await exited;
};

const describeRelay = (label: string, figures: RelayFigures, seconds: number) =>
	`${label}: ${figures.rooms} rooms × 4 bots, ${Math.round(figures.sent / seconds)} signals/s: relay p50 ${figures.p50.toFixed(1)} ms, p99 ${figures.p99.toFixed(1)} ms; ${figures.lost} of ${figures.sent} not delivered${figures.failures}`;

/** Bots through the proxy; one process is killed; how long until everyone it held resumed. */
async function failover(rooms: number): Promise<string[]> {
	const cluster = await startCluster({
		env: {
			MAX_CONNECTIONS_PER_ADDRESS: '100000',
			EVENT_POINTS_PER_ADDRESS: '1000000',
			ROOMS_PER_ADDRESS_PER_MINUTE: '100000'
		}
	});
	const sockets: Socket[] = [];
	try {
		const people: { socket: Socket; roomId: string; token: string; node: string }[] = [];
		for (let index = 0; index < rooms; index += 1) {
			const members = [0, 1, 2, 3].map(() => {
				const socket = io(cluster.proxyUrl, {
					transports: ['websocket'],
					forceNew: true,
					reconnectionDelay: 500
				});
				sockets.push(socket);
				return socket;
			});
			const created = (await members[0]!.emitWithAck('room:create', {
				seats: 4,
				devices: 'none'
			})) as Result<{ roomId: string }>;
			if (!created.ok) throw new Error(created.error.code);
			for (const socket of members) {
				const answer = (await socket.emitWithAck('room:join', {
					roomId: created.roomId,
					name: 'Bot',
					media: { audio: false, video: false }
				})) as Result<JoinAnswer>;
				if (!answer.ok) throw new Error(answer.error.code);
				people.push({ socket, roomId: created.roomId, token: answer.resumeToken, node: '' });
			}
		}
		// Which process each person is on: the victim's count says how many must come back.
		const victim = cluster.nodes[0]!;
		const onVictim = (await (await fetch(`${victim.url}/healthz`)).json()) as {
			connections: number;
		};
		let resumed = 0;
		let lastResumedAt = 0;
		const allBack = new Promise<void>((done) => {
			for (const person of people) {
				person.socket.io.on('reconnect', () => {
					void person.socket
						.emitWithAck('room:join', {
							roomId: person.roomId,
							name: 'Bot',
							media: { audio: false, video: false },
							resumeToken: person.token
						})
						.then((answer: Result<JoinAnswer>) => {
							if (!answer.ok || !answer.resumed) return;
							resumed += 1;
							lastResumedAt = performance.now();
							if (resumed === onVictim.connections) done();
						});
				});
			}
		});
		const killedAt = performance.now();
		victim.process.kill('SIGKILL');
		await Promise.race([allBack, sleep(60_000)]);
		return [
			`failover: ${people.length} people in ${rooms} rooms through HAProxy; SIGKILL of the process holding ${onVictim.connections}: ${resumed} resumed their seats on the other process, the last ${((lastResumedAt - killedAt) / 1000).toFixed(2)} s after the kill`
		];
	} finally {
		for (const socket of sockets) socket.close();
		await cluster.stop();
	}
}

export const clusterBenchmark: Benchmark = {
	name: 'cluster: one process versus two with Redis',
	deadlineSeconds: 900,
	async run(signal) {
		const missing = missingBinaries();
		if (missing) throw new Error(missing);
		const rooms = flag('rooms', 1000);
		const seconds = flag('seconds', 15);
		const perAddress = flag('per-address', 8);
		checkOpenFilesLimit(rooms * 4);
		const scratch = mkdtempSync(join(tmpdir(), 'dropcall-cluster-bench-'));
		const fleet = new Fleet(flag('bot-processes', 2), signal);
		const loadBefore = loadavg()[0]!;
		// Each phase prints as it ends: together they take minutes.
		const print = (line: string) => console.log(`  ${line}`);
		try {
			const alone = await startLoadServer(join(scratch, 'alone'), signal);
			try {
				print(
					describeRelay(
						'one process, in memory',
						await relay([alone.url], rooms, seconds, perAddress, fleet, signal),
						seconds
					)
				);
			} finally {
				await alone.stop();
			}
			const redis = await startRedis(scratch);
			const nodes = await Promise.all(
				['1', '2'].map((name) =>
					startLoadServer(join(scratch, `node-${name}`), signal, {
						REDIS_URL: redis.url,
						NODE_NAME: name
					})
				)
			);
			try {
				print(
					describeRelay(
						'two processes with Redis, every signal crossing',
						await relay(
							nodes.map((node) => node.url),
							rooms,
							seconds,
							perAddress,
							fleet,
							signal
						),
						seconds
					)
				);
			} finally {
				await Promise.all(nodes.map((node) => node.stop()));
				await stopChild(redis.child);
			}
			for (const line of await failover(flag('failover-rooms', 100))) print(line);
			return [
				`loopback, load average ${loadBefore.toFixed(1)} → ${loadavg()[0]!.toFixed(1)} on ${cpus().length} cores`
			];
		} finally {
			await fleet.stop();
			rmSync(scratch, { recursive: true, force: true });
		}
	}
};
