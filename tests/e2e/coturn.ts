/**
 * Debian's coturn on a free loopback port, set up as the README tells operators to set it up
 * (`use-auth-secret` with a shared secret), for tests that need a real TURN relay.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const turnserverPath = process.env.TURNSERVER_PATH ?? '/usr/bin/turnserver';
export const hasCoturn = existsSync(turnserverPath);

export interface Coturn {
	/** The TURN_URLS value pointing at it. */
	url: string;
	secret: string;
	/** Everything it has logged so far (verbose: one line per allocation, naming its user). */
	log(): string;
	/** A credential the way coturn checks it: `<expiry in Unix seconds>:<name>`, HMAC-SHA1. */
	credential(expiresAtSeconds: number, name: string): { username: string; credential: string };
	stop(): Promise<void>;
}

/** A TCP port nobody holds right now; coturn takes the same number for UDP and TCP. */
function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const probe = createServer();
		probe.once('error', reject);
		probe.listen(0, '127.0.0.1', () => {
			const address = probe.address();
			probe.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
		});
	});
}

function launch(port: number, secret: string, folder: string): ChildProcess {
	return spawn(
		turnserverPath,
		[
			// No /etc/turnserver.conf: every setting is on this line.
			'-n',
			'--listening-ip=127.0.0.1',
			'--relay-ip=127.0.0.1',
			`--listening-port=${port}`,
			'--use-auth-secret',
			`--static-auth-secret=${secret}`,
			'--realm=dropcall.test',
			'--no-tls',
			'--no-dtls',
			// Both browsers' relayed addresses are on loopback here; coturn refuses such peers
			// by default, as it should on a real server.
			'--allow-loopback-peers',
			'--no-cli',
			'--verbose',
			'--simple-log',
			'--log-file=stdout',
			`--pidfile=${join(folder, 'turnserver.pid')}`,
			`--userdb=${join(folder, 'turndb')}`
		],
		{ cwd: folder, stdio: ['ignore', 'pipe', 'pipe'] }
	);
}

export async function startCoturn(): Promise<Coturn> {
	const folder = mkdtempSync(join(tmpdir(), 'dropcall-coturn-'));
	const secret = `test-secret-${process.pid}-${Date.now()}`;
	// Another process may take the free port between the probe and coturn binding it.
	for (let attempt = 1; ; attempt++) {
		const port = await freePort();
		const child = launch(port, secret, folder);
		let output = '';
		const ready = new Promise<boolean>((resolve) => {
			const read = (chunk: Buffer) => {
				output += chunk.toString();
				if (/UDP listener opened on: 127\.0\.0\.1:\d+/.test(output)) resolve(true);
			};
			child.stdout!.on('data', read);
			child.stderr!.on('data', read);
			child.once('exit', () => resolve(false));
		});
		if (await ready) {
			const stopOnExit = () => child.kill('SIGKILL');
			process.once('exit', stopOnExit);
			return {
				url: `turn:127.0.0.1:${port}?transport=udp`,
				secret,
				log: () => output,
				credential(expiresAtSeconds, name) {
					const username = `${expiresAtSeconds}:${name}`;
					const credential = createHmac('sha1', secret).update(username).digest('base64');
					return { username, credential };
				},
				async stop() {
					process.off('exit', stopOnExit);
					if (child.exitCode === null && child.signalCode === null) {
						const exited = new Promise((resolve) => child.once('exit', resolve));
						child.kill('SIGTERM');
						await exited;
					}
					rmSync(folder, { recursive: true, force: true });
				}
			};
		}
		if (attempt === 3) {
			rmSync(folder, { recursive: true, force: true });
			throw new Error(`coturn did not start:\n${output}`);
		}
	}
}
