/** Other websites cannot drive Socket.IO or the file routes from their visitors' browsers. */
import { afterEach, describe, expect, it } from 'vitest';
import { io as connect, type Socket } from 'socket.io-client';
import { startServer, type Harness } from './harness';

let server: Harness;
const opened: Socket[] = [];
afterEach(async () => {
	for (const socket of opened.splice(0)) socket.disconnect();
	await server.close();
});

const friend = 'https://app.example.org';

/** Connects as a browser on `origin`'s page would (undefined: no browser, no Origin). */
function connectFrom(origin: string | undefined): Promise<'connected' | 'refused'> {
	const socket = connect(server.url, {
		transports: ['websocket'],
		forceNew: true,
		reconnection: false,
		...(origin ? { extraHeaders: { origin } } : {})
	});
	opened.push(socket);
	return new Promise((resolve) => {
		socket.once('connect', () => resolve('connected'));
		socket.once('connect_error', () => resolve('refused'));
	});
}

function fileRoute(headers: Record<string, string>) {
	return fetch(`${server.url}/files/AAAAAAAAAAAAAAAAAAAAAA?token=x`, { headers });
}

describe('Socket.IO', () => {
	it('accepts our own page, a listed front end and non-browsers; refuses other sites', async () => {
		server = await startServer({ allowedOrigins: [friend] });
		expect(await connectFrom(server.url)).toBe('connected');
		expect(await connectFrom(friend)).toBe('connected');
		expect(await connectFrom(undefined)).toBe('connected');
		expect(await connectFrom('https://evil.example')).toBe('refused');
		expect(await connectFrom('null')).toBe('refused');
		// Our own host under another port is another origin.
		expect(await connectFrom('http://127.0.0.1:1')).toBe('refused');
		expect(server.dropcall.io.engine.clientsCount).toBe(3);

		const polling = await fetch(`${server.url}/socket.io/?EIO=4&transport=polling`, {
			headers: { origin: 'https://evil.example' }
		});
		expect(polling.status).toBe(403);
		expect(await polling.json()).toMatchObject({ message: 'forbidden-origin' });
	});

	it('takes the host from X-Forwarded-Host only behind a trusted proxy', async () => {
		server = await startServer({ trustProxy: true });
		const socket = connect(server.url, {
			transports: ['websocket'],
			forceNew: true,
			reconnection: false,
			extraHeaders: { origin: 'https://call.example.org', 'x-forwarded-host': 'call.example.org' }
		});
		opened.push(socket);
		await new Promise((resolve, reject) => {
			socket.once('connect', () => resolve(undefined));
			socket.once('connect_error', reject);
		});
	});
});

describe('file routes', () => {
	it('refuse another site’s Origin or a cross-site fetch, and serve everyone else', async () => {
		server = await startServer({ allowedOrigins: [friend] });
		const foreign: Record<string, string>[] = [
			{ origin: 'https://evil.example' },
			{ 'sec-fetch-site': 'cross-site' }
		];
		for (const headers of foreign) {
			const refused = await fileRoute(headers);
			expect(refused.status).toBe(403);
			expect(await refused.json()).toMatchObject({
				ok: false,
				error: { code: 'forbidden-origin' }
			});
		}
		// These reach the file routes themselves, which refuse the made-up token.
		const welcome: Record<string, string>[] = [
			{},
			{ origin: server.url },
			{ origin: friend },
			{ 'sec-fetch-site': 'same-origin' }
		];
		for (const headers of welcome) {
			const answered = await fileRoute(headers);
			expect(await answered.json()).toMatchObject({ error: { code: 'not-in-room' } });
		}
	});
});

describe('the origin rule', () => {
	it('ignores X-Forwarded-Host unless the proxy is ours', async () => {
		const { isAllowedOrigin } = await import('../../server/guard/origin');
		const headers = {
			host: '10.0.0.5:3000',
			origin: 'https://call.example.org',
			'x-forwarded-host': 'call.example.org'
		};
		expect(isAllowedOrigin(headers, { allowedOrigins: [], trustProxy: false })).toBe(false);
		expect(isAllowedOrigin(headers, { allowedOrigins: [], trustProxy: true })).toBe(true);
	});
});
