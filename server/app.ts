/** Composes the back end around one http.Server: Socket.IO, HTTP routes and the built app. */
import type { Server as HttpServer, IncomingMessage, ServerResponse } from 'node:http';
import { Server } from 'socket.io';
import type { Config } from './config.ts';
import { healthRoute, notFound, securityHeaders, staticApp, type Handler } from './http.ts';
import { setQuiet } from './log.ts';
import { RoomRegistry } from './rooms.ts';
import { attachSignaling, type DropcallServer } from './signaling.ts';

export interface Dropcall {
	io: DropcallServer;
	registry: RoomRegistry;
	/** The HTTP routes; `next` runs when none of them answers (Vite's dev server, or a 404). */
	handle: (request: IncomingMessage, response: ServerResponse, next: () => void) => void;
	/** Tells every client the server is stopping, ends every room and closes Socket.IO. */
	stop: () => Promise<void>;
}

export interface DropcallOptions {
	/** Serve the built app from config.staticDir (production); Vite serves it in development. */
	serveStatic: boolean;
}

function chain(handlers: Handler[]): Handler {
	return (request, response, next) => {
		const run = (index: number): void => {
			const handler = handlers[index];
			if (!handler) return next();
			handler(request, response, () => run(index + 1));
		};
		run(0);
	};
}

export function createDropcall(
	httpServer: HttpServer,
	config: Config,
	options: DropcallOptions
): Dropcall {
	setQuiet(config.quiet);
	const registry = new RoomRegistry(config);
	const io: DropcallServer = new Server(httpServer, {
		serveClient: false,
		// Hard cap for the transport; the protocol's own 64 KiB limit answers with an error first.
		maxHttpBufferSize: 1024 * 1024,
		pingInterval: config.pingIntervalSeconds * 1000,
		pingTimeout: config.pingTimeoutSeconds * 1000
	});
	attachSignaling(io, registry, config);

	const app = options.serveStatic ? staticApp(config.staticDir) : undefined;
	const handle = chain([
		securityHeaders(app?.csp),
		healthRoute(() => ({ rooms: registry.roomCount, peers: registry.peerCount })),
		...(app ? [app.handler, notFound()] : [])
	]);

	return {
		io,
		registry,
		handle,
		async stop() {
			io.emit('server:stopping');
			registry.endAll();
			await new Promise<void>((resolve) => io.close(() => resolve()));
		}
	};
}
