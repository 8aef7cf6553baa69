/**
 * Starts Debian's redis-server on a loopback port, without persistence, in a folder of its own:
 * for the local cluster (scripts/cluster-launch.ts) and the server tests that need a real Redis.
 * A restart keeps the port and comes back empty, as a restarted Redis without persistence does.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createConnection, createServer } from 'node:net';

export interface RedisServer {
	url: string;
	port: number;
	readonly process: ChildProcess;
	/** Kills it at once (SIGKILL), as a crash would. */
	kill(): Promise<void>;
	/** Starts it again on the same port, empty. */
	start(): Promise<void>;
	stop(): Promise<void>;
}

export function freePort(): Promise<number> {
	return new Promise((resolvePort, reject) => {
		const server = createServer();
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const address = server.address();
			server.close(() => resolvePort(typeof address === 'object' && address ? address.port : 0));
		});
	});
}

export async function until(what: string, check: () => Promise<boolean>, timeoutMs = 60_000) {
	const deadline = Date.now() + timeoutMs;
	while (Date.now() < deadline) {
		if (await check().catch(() => false)) return;
		await new Promise((done) => setTimeout(done, 100));
	}
	throw new Error(`${what} did not start within ${timeoutMs / 1000} s`);
}

function redisAnswers(port: number): Promise<boolean> {
	return new Promise((answer) => {
		const socket = createConnection(port, '127.0.0.1');
		socket.once('error', () => answer(false));
		socket.once('connect', () => socket.write('PING\r\n'));
		socket.once('data', (data) => {
			answer(data.toString().startsWith('+PONG'));
			socket.destroy();
		});
	});
}

export async function stopChild(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM') {
	if (child.exitCode !== null || child.signalCode !== null) return;
	const exited = new Promise((done) => child.once('exit', done));
	child.kill(signal);
	const timer = setTimeout(() => child.kill('SIGKILL'), 6000);
	await exited;
	clearTimeout(timer);
}

export async function startRedisServer(options: {
	/** Its working folder: it writes nothing there, but a crash report would land there. */
	folder: string;
	isVerbose?: boolean;
	/** Told of each process started, so whoever started it can kill it on exit. */
	track?: (child: ChildProcess) => void;
}): Promise<RedisServer> {
	const port = await freePort();
	let child: ChildProcess;
	const start = async () => {
		child = spawn(
			'redis-server',
			['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
			{ cwd: options.folder, stdio: options.isVerbose ? 'inherit' : 'ignore' }
		);
		options.track?.(child);
		await until('redis-server', () => redisAnswers(port));
	};
	await start();
	return {
		url: `redis://127.0.0.1:${port}`,
		port,
		get process() {
			return child;
		},
		kill: () => stopChild(child, 'SIGKILL'),
		start,
		stop: () => stopChild(child)
	};
}
