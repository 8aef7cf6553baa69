/**
 * A Dropcall server inside the test process that records everything clients send it: every
 * Socket.IO packet and every HTTP request's line, headers and body (WebSocket upgrades too).
 * Used to prove what never reaches the server.
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createDropcall } from '../../server/app';
import { readConfig } from '../../server/config';

export async function startRecordingServer() {
	const received: string[] = [];
	let bodyBytes = 0;
	const config = { ...readConfig({ QUIET: '1' }), host: '127.0.0.1' };
	const recordHead = (request: IncomingMessage) =>
		received.push(`${request.method} ${request.url}\n${JSON.stringify(request.headers)}`);
	const httpServer = createServer((request, response) => {
		recordHead(request);
		// Seen as Dropcall reads it: a listener of our own would start the body flowing before
		// Dropcall is ready for it, and the bytes read here would never reach the file store.
		// latin1 keeps every byte as one character, so binary bodies are searched as they are.
		const emit = request.emit.bind(request);
		request.emit = ((event: string | symbol, ...args: unknown[]) => {
			if (event === 'data' && Buffer.isBuffer(args[0])) {
				bodyBytes += args[0].length;
				received.push(args[0].toString('latin1'));
			}
			return emit(event, ...args);
		}) as typeof request.emit;
		dropcall.handle(request, response, () => {});
	});
	httpServer.on('upgrade', recordHead);
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
		/** Bytes of request bodies the server read: proof the recorder saw the uploads. */
		bodyBytes: () => bodyBytes,
		sawText: (text: string) => received.some((data) => data.includes(text)),
		close: () => dropcall.stop()
	};
}
