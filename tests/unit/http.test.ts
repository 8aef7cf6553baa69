import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { contentSecurityPolicy } from '../../server/http';
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
