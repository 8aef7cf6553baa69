/**
 * Bounds on what one client can make the server hold: connections, events, rooms, unread
 * bytes and file requests, per connection, per address and in all. Composed in server/app.ts.
 */
import type { Config } from '../config.ts';
import type { Handler } from '../http.ts';
import type { SharedConnections } from '../cluster/connections.ts';
import { log } from '../log.ts';
import type { DropcallServer } from '../socket-types.ts';
import { clientAddress } from './address.ts';
import { EventLimits } from './events.ts';
import { fileRouteGuard } from './file-routes.ts';
import type { IncomingMessage } from 'node:http';
import { Handshakes, type AllowRequest, type CountedConnection } from './handshake.ts';
import { memoryStore, type LimiterStore } from './limiter.ts';
import { watchUnread, type WatchedConnection } from './unread.ts';

export interface Guard {
	/** engine.io's allowRequest, given to the Socket.IO server when it is made. */
	allowRequest: AllowRequest;
	/** Watches every connection of `io`; call before any other module adds its handlers. */
	attach(io: DropcallServer): void;
	/** A Handler placed before the file routes. */
	fileRoutes: Handler;
}

export function createGuard(
	config: Config,
	store: LimiterStore = memoryStore,
	/** On several processes: connections per address counted on all of them. */
	shared?: SharedConnections
): Guard {
	const handshakes = new Handshakes(config);
	const events = new EventLimits(config, store);
	const addressOf = (request: IncomingMessage) =>
		clientAddress(
			request.socket.remoteAddress,
			request.headers['x-forwarded-for'],
			config.trustProxy
		);
	const allowRequest: AllowRequest = !shared
		? handshakes.allowRequest
		: (request, decide) => {
				shared.count(addressOf(request)).then(
					(count) =>
						count >= config.maxConnectionsPerAddress
							? decide('too-many-connections', false)
							: handshakes.allowRequest(request, decide),
					// Redis away: this process's own count still holds.
					() => handshakes.allowRequest(request, decide)
				);
			};
	return {
		allowRequest,
		fileRoutes: fileRouteGuard(config, store),
		attach(io) {
			io.engine.on('connection', (connection: CountedConnection & WatchedConnection) => {
				handshakes.opened(connection);
				if (shared) {
					const address = addressOf(connection.request);
					shared.opened(address);
					connection.once('close', () => shared.closed(address));
				}
				watchUnread(connection, config.maxUnreadBytes, (unreadBytes) =>
					log(`cut off a client that left ${Math.round(unreadBytes / 1024)} KiB unread`)
				);
			});
			io.on('connection', (socket) => {
				// The handshake's address: a polling client's later requests may come on other sockets.
				const address = clientAddress(
					socket.handshake.address,
					socket.handshake.headers['x-forwarded-for'],
					config.trustProxy
				);
				events.attach(socket, address);
			});
		}
	};
}
