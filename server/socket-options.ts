/**
 * What Socket.IO keeps for each connection, trimmed so an idle connection costs the server
 * little memory. Measured with `npm run bench -- load` (README, Benchmarks); a change that did
 * not measurably help is not here.
 */
import { ServerResponse, type IncomingMessage } from 'node:http';
import type { DropcallServer } from './socket-types.ts';

/**
 * The parts of the opening HTTP request that Socket.IO reads after the connection opens: it
 * builds `socket.handshake` (headers, url, query, secure) from them when the client joins the
 * namespace. Everything else the request holds (raw headers, stream state, its socket's
 * listeners) is dropped.
 */
interface KeptRequest {
	headers: IncomingMessage['headers'];
	url: string | undefined;
	method: string | undefined;
	_query: unknown;
	connection: { encrypted: boolean };
}

/** The connection as engine.io exposes it; its types do not list `request` as writable. */
interface EngineConnection {
	request: IncomingMessage | KeptRequest;
}

/**
 * Drops the reference every connection keeps to its opening HTTP request, as Socket.IO's
 * performance guide advises (https://socket.io/docs/v4/performance-tuning/), keeping what the
 * handshake needs. For a WebSocket, engine.io 6 also keeps the request in the stand-in
 * response it made for the upgrade (closed over by a listener on the TCP socket), so that
 * reference is dropped too.
 */
export function trimConnections(io: DropcallServer): void {
	const upgradeResponses = new WeakMap<IncomingMessage, { req: unknown }>();
	io.engine.use((request: IncomingMessage, response: unknown, next: () => void) => {
		if (!(response instanceof ServerResponse)) {
			upgradeResponses.set(request, response as { req: unknown });
		}
		next();
	});
	io.engine.on('connection', (connection: EngineConnection) => {
		// Deferred so every other 'connection' listener still sees the request itself (the
		// guard counts handshakes by it); the client's first packet cannot arrive before.
		queueMicrotask(() => {
			const request = connection.request as IncomingMessage & { _query?: unknown };
			const response = upgradeResponses.get(request);
			if (response) response.req = null;
			connection.request = {
				headers: request.headers,
				url: request.url,
				method: request.method,
				_query: request._query,
				connection: { encrypted: 'encrypted' in request.socket && !!request.socket.encrypted }
			};
		});
	});
}
