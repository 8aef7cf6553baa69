/**
 * A Dropcall server inside the test process that records everything clients send it: every
 * Socket.IO packet and every HTTP request body. Used to prove what never reaches the server.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createDropcall } from '../../server/app';
import { readConfig } from '../../server/config';

export async function startRecordingServer() {
	const received: string[] = [];
	const config = { ...readConfig({ QUIET: '1' }), host: '127.0.0.1' };
	const httpServer = createServer((request, response) => {
		request.on('data', (chunk: Buffer) => received.push(chunk.toString()));
		dropcall.handle(request, response, () => {});
	});
	const dropcall = createDropcall(httpServer, config, { serveStatic: true });
	dropcall.io.engine.on('connection', (socket: import('engine.io').Socket) => {
		socket.on('packet', (packet: { data?: unknown }) => {
			if (packet.data !== undefined) received.push(String(packet.data));
		});
	});
	await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
	return {
		url: `http://127.0.0.1:${(httpServer.address() as AddressInfo).port}`,
		received,
		sawText: (text: string) => received.some((data) => data.includes(text)),
		close: () => dropcall.stop()
	};
}
