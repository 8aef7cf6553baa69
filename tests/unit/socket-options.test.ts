import { IncomingMessage } from 'node:http';
import { io as connect } from 'socket.io-client';
import { afterEach, describe, expect, it } from 'vitest';
import { startServer, type Harness } from './harness';

let harness: Harness | undefined;
afterEach(async () => {
	await harness?.close();
	harness = undefined;
});

describe('what a connection keeps of its opening request', () => {
	it('drops the request but keeps what the handshake is built from', async () => {
		// A front end on another origin, as ALLOWED_ORIGINS lets one in.
		harness = await startServer({ allowedOrigins: ['https://call.example'] });
		const connected = new Promise<import('socket.io').Socket>((resolve) =>
			harness!.dropcall.io.once('connection', resolve)
		);
		const client = connect(`${harness.url}?app=dropcall`, {
			transports: ['websocket'],
			forceNew: true,
			extraHeaders: { origin: 'https://call.example', 'x-forwarded-for': '203.0.113.9' }
		});
		try {
			const socket = await connected;
			expect(socket.request).not.toBeInstanceOf(IncomingMessage);
			expect(socket.handshake.headers.origin).toBe('https://call.example');
			expect(socket.handshake.headers['x-forwarded-for']).toBe('203.0.113.9');
			expect(socket.handshake.xdomain).toBe(true);
			expect(socket.handshake.secure).toBe(false);
			expect(socket.handshake.query.app).toBe('dropcall');
			expect(socket.handshake.url).toContain('/socket.io/');
			expect(socket.handshake.address).toMatch(/127\.0\.0\.1/);
		} finally {
			client.close();
		}
	});
});
