import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { contentSecurityPolicy, notFound } from '../../server/http';
import { staticApp } from '../../server/static-app';
import { createRoom, startServer, type Harness } from './harness';

let server: Harness;
beforeEach(async () => {
	server = await startServer();
});
afterEach(() => server.close());

describe('HTTP', () => {
	it('answers /healthz with counts and the security headers', async () => {
		const socket = await server.client();
		await createRoom(socket);
		const response = await fetch(`${server.url}/healthz`);
		expect(response.status).toBe(200);
		expect(await response.json()).toMatchObject({ ok: true, rooms: 1, peers: 0 });
		expect(response.headers.get('referrer-policy')).toBe('no-referrer');
		expect(response.headers.get('x-content-type-options')).toBe('nosniff');
		expect(response.headers.get('permissions-policy')).toContain('camera=(self)');
		expect(response.headers.get('permissions-policy')).toContain('microphone=(self)');
		expect(response.headers.get('permissions-policy')).toContain('display-capture=(self)');
	});

	it('refuses other methods on /healthz', async () => {
		const response = await fetch(`${server.url}/healthz`, { method: 'POST' });
		expect(response.status).toBe(405);
	});
});

describe('the built app', () => {
	it('is read with GET and HEAD; other methods are refused and change nothing', async () => {
		const dir = mkdtempSync(join(tmpdir(), 'dropcall-static-test-'));
		writeFileSync(join(dir, 'index.html'), '<!doctype html><title>Dropcall</title>');
		const app = staticApp(dir);
		const http = createServer((request, response) =>
			app.handler(request, response, () => notFound()(request, response, () => {}))
		);
		await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
		const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
		try {
			expect((await fetch(`${url}/r/some-room`)).status).toBe(200);
			for (const method of ['POST', 'PUT', 'PATCH', 'DELETE']) {
				const response = await fetch(`${url}/`, { method, body: method === 'DELETE' ? null : 'x' });
				expect(response.status, method).toBe(405);
				expect(response.headers.get('allow')).toBe('GET, HEAD');
			}
		} finally {
			await new Promise((resolve) => http.close(resolve));
			rmSync(dir, { recursive: true, force: true });
		}
	});
});

describe('the content security policy', () => {
	it('allows exactly the inline scripts of the page it protects', () => {
		const script = 'console.log("boot")';
		const hash = createHash('sha256').update(script).digest('base64');
		const policy = contentSecurityPolicy(`<body><script>${script}</script></body>`);
		expect(policy).toContain(`script-src 'self' 'sha256-${hash}'`);
		expect(policy).not.toContain('unsafe-eval');
		expect(policy).toContain("frame-ancestors 'none'");
	});
});
