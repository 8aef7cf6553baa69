import { spawn, type ChildProcess } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { get } from 'node:https';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let staticDir: string;
beforeAll(() => {
	staticDir = mkdtempSync(join(tmpdir(), 'dropcall-static-'));
	writeFileSync(join(staticDir, 'index.html'), '<!doctype html><script>boot()</script>');
});
afterAll(() => rmSync(staticDir, { recursive: true, force: true }));

function startProcess(env: Record<string, string>): ChildProcess {
	return spawn(process.execPath, ['--import', 'tsx', 'server/index.ts'], {
		env: { ...process.env, HOST: '127.0.0.1', PORT: '0', STATIC_DIR: staticDir, ...env },
		stdio: ['ignore', 'pipe', 'pipe']
	});
}

function output(child: ChildProcess, stream: 'stdout' | 'stderr', pattern: RegExp) {
	return new Promise<RegExpMatchArray>((resolve) => {
		let text = '';
		child[stream]!.on('data', (chunk: Buffer) => {
			text += chunk.toString();
			const match = text.match(pattern);
			if (match) resolve(match);
		});
	});
}

const exitOf = (child: ChildProcess) =>
	new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));

describe('the server process', () => {
	it('stops on SIGTERM within 5 seconds, telling clients first', async () => {
		const child = startProcess({});
		const [, url] = await output(child, 'stdout', /running on (http:\/\/\S+)/);
		const page = await fetch(`${url}/r/AAAAAAAAAAAAAAAAAAAAAA`);
		expect(page.status).toBe(200);
		expect(page.headers.get('content-security-policy')).toContain("script-src 'self' 'sha256-");

		const socket = io(url!, { transports: ['websocket'], reconnection: false });
		await new Promise((resolve) => socket.once('connect', () => resolve(undefined)));
		const told = new Promise((resolve) => socket.once('server:stopping', () => resolve(true)));
		const startedAt = Date.now();
		const exited = exitOf(child);
		child.kill('SIGTERM');
		expect(await told).toBe(true);
		expect(await exited).toBe(0);
		expect(Date.now() - startedAt).toBeLessThan(5000);
		socket.close();
	});

	it('refuses to start with a bad setting, naming it', async () => {
		const child = startProcess({ RESUME_GRACE_SECONDS: 'soon' });
		const [message] = await output(child, 'stderr', /Dropcall cannot start: .*/);
		expect(message).toContain('RESUME_GRACE_SECONDS');
		expect(await exitOf(child)).toBe(1);
	});

	it('serves HTTPS with a self-signed certificate it makes once and keeps', async () => {
		const tlsDir = join(staticDir, 'tls');
		const start = async () => {
			const child = startProcess({ HTTPS: '1', TLS_DIR: tlsDir });
			let printed = '';
			child.stdout!.on('data', (chunk: Buffer) => (printed += chunk.toString()));
			const [, url] = await output(child, 'stdout', /running on (https:\/\/\S+)/);
			const status = await new Promise<number | undefined>((resolve, reject) =>
				get(`${url}/healthz`, { rejectUnauthorized: false }, (response) => {
					response.resume();
					resolve(response.statusCode);
				}).on('error', reject)
			);
			const exited = exitOf(child);
			child.kill('SIGTERM');
			await exited;
			return { status, printed };
		};
		const first = await start();
		expect(first.status).toBe(200);
		expect(first.printed).toContain('Made a self-signed certificate');
		const cert = readFileSync(join(tlsDir, 'cert.pem'), 'utf8');
		expect(new X509Certificate(cert).subjectAltName).toContain('IP Address:127.0.0.1');

		const second = await start();
		expect(second.status).toBe(200);
		expect(second.printed).not.toContain('Made a self-signed certificate');
		expect(readFileSync(join(tlsDir, 'cert.pem'), 'utf8')).toBe(cert);
	});
});
