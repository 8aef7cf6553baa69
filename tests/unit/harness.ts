/** A real Dropcall server on a loopback port and real Socket.IO clients, for server tests. */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { io as connect, type Socket } from 'socket.io-client';
import type { ClientToServer, ServerToClient } from '../../src/lib/protocol';
import { createDropcall, type Dropcall, type DropcallOptions } from '../../server/app';
import { readConfig, type Config } from '../../server/config';

export type TestClient = Socket<ServerToClient, ClientToServer>;

export interface Harness {
	url: string;
	dropcall: Dropcall;
	config: Config;
	client(): Promise<TestClient>;
	close(): Promise<void>;
}

export async function startServer(
	overrides: Partial<Config> = {},
	options: Omit<DropcallOptions, 'serveStatic'> = {}
): Promise<Harness> {
	const config: Config = {
		...readConfig({}),
		quiet: true,
		host: '127.0.0.1',
		// Tests close their server with uploads left unfinished on purpose; the drain test sets it.
		uploadDrainSeconds: 0,
		...overrides
	};
	const httpServer = createServer((request, response) =>
		dropcall.handle(request, response, () => {
			response.writeHead(404).end();
		})
	);
	const dropcall = createDropcall(httpServer, config, { ...options, serveStatic: false });
	const connections = new Set<import('node:net').Socket>();
	httpServer.on('connection', (connection) => {
		connections.add(connection);
		connection.on('close', () => connections.delete(connection));
	});
	await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
	const url = `http://127.0.0.1:${(httpServer.address() as AddressInfo).port}`;
	const clients: TestClient[] = [];
	return {
		url,
		dropcall,
		config,
		async client() {
			const socket: TestClient = connect(url, { transports: ['websocket'], forceNew: true });
			clients.push(socket);
			await new Promise<void>((resolve, reject) => {
				socket.once('connect', resolve);
				socket.once('connect_error', reject);
			});
			return socket;
		},
		async close() {
			for (const socket of clients) socket.disconnect();
			const stopping = dropcall.stop();
			// A frozen client never answers the close handshake; don't wait for it.
			for (const connection of connections) connection.destroy();
			await stopping;
		}
	};
}

/** Sends any event with any arguments, the way a hostile or buggy client could. */
export function rawRequest(
	socket: TestClient,
	event: string,
	...args: unknown[]
): Promise<unknown> {
	const untyped = socket as unknown as {
		timeout(ms: number): { emitWithAck(event: string, ...args: unknown[]): Promise<unknown> };
	};
	return untyped.timeout(2000).emitWithAck(event, ...args);
}

export async function createRoom(
	socket: TestClient,
	seats = 4,
	devices: 'none' | 'audio' | 'video' = 'none'
): Promise<string> {
	const answer = await socket.emitWithAck('room:create', { seats, devices });
	if (!answer.ok) throw new Error(answer.error.message);
	return answer.roomId;
}

export const anyMedia = { audio: true, video: true };

export function nextEvent<E extends keyof ServerToClient>(
	socket: TestClient,
	event: E
): Promise<Parameters<ServerToClient[E]>[0]> {
	return new Promise((resolve) => {
		socket.once(event, ((payload: Parameters<ServerToClient[E]>[0]) => resolve(payload)) as never);
	});
}
