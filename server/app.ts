/** Composes the back end around one http.Server: Socket.IO, HTTP routes and the built app. */
import type { Server as HttpServer, IncomingMessage, ServerResponse } from 'node:http';
import { Server } from 'socket.io';
import type { Clock } from './clock.ts';
import type { Cluster } from './cluster/index.ts';
import type { Config } from './config.ts';
import { attachFiles, type FileStore } from './files.ts';
import { createGuard } from './guard/index.ts';
import type { LimiterStore } from './guard/limiter.ts';
import {
	healthRoute,
	notFound,
	securityHeaders,
	shareTargetFallback,
	type Handler,
	type ServingState
} from './http.ts';
import { staticApp } from './static-app.ts';
import { setQuiet } from './log.ts';
import type { RoomRegistry } from './registry.ts';
import { MemoryRegistry } from './rooms.ts';
import { heedGoingAway } from './seat-grace.ts';
import { attachSignaling } from './signaling.ts';
import type { DropcallServer } from './socket-types.ts';
import { trimConnections } from './socket-options.ts';

export interface Dropcall {
	io: DropcallServer;
	registry: RoomRegistry;
	files: FileStore;
	/** The HTTP routes; `next` runs when none of them answers (Vite's dev server, or a 404). */
	handle: (request: IncomingMessage, response: ServerResponse, next: () => void) => void;
	/**
	 * Lets uploads under way finish (at most UPLOAD_DRAIN_SECONDS), then tells every client the
	 * server is stopping, ends every room (deleting every shared file) and closes Socket.IO.
	 */
	stop: () => Promise<void>;
}

export interface DropcallOptions {
	/** Serve the built app from config.staticDir (production); Vite serves it in development. */
	serveStatic: boolean;
	/** Timers for the file store's graces; tests move time forward with their own. */
	clock?: Clock;
	/** Free space on the upload folder's disk; tests fill a disk on demand with their own. */
	freeBytes?: (folder: string) => Promise<number>;
	/** Where rate limits count; in this process's memory unless a shared store is given. */
	limiterStore?: LimiterStore;
	/**
	 * Several processes sharing rooms through Redis (server/cluster/); without it, this
	 * process holds everything in memory.
	 */
	cluster?: Cluster;
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
	const { cluster } = options;
	const registry: RoomRegistry = cluster?.registry ?? new MemoryRegistry(config);
	const guard = createGuard(
		config,
		options.limiterStore ?? cluster?.limiterStore,
		cluster?.connections
	);
	const io: DropcallServer = new Server(httpServer, {
		serveClient: false,
		allowRequest: guard.allowRequest,
		// Hard cap for the transport; the protocol's own 64 KiB limit answers with an error first.
		maxHttpBufferSize: 1024 * 1024,
		pingInterval: config.pingIntervalSeconds * 1000,
		pingTimeout: config.pingTimeoutSeconds * 1000,
		...(cluster ? { adapter: cluster.adapter } : {})
	});
	cluster?.attach(io);
	// Before the guard: a page going away closes its connection right after saying so.
	heedGoingAway(io);
	// First of the checks, so they run before any other module's handlers see an event.
	guard.attach(io);
	trimConnections(io);
	const files = attachFiles({
		config,
		registry,
		io,
		clock: options.clock,
		freeBytes: options.freeBytes,
		shared: cluster?.files,
		ledger: cluster?.ledger
	});
	attachSignaling(io, registry, config, files.joinDetails);

	let state: ServingState = 'serving';
	const app = options.serveStatic ? staticApp(config.staticDir) : undefined;
	const handle = chain([
		securityHeaders(() => app?.csp()),
		healthRoute(
			() => ({
				node: config.nodeName,
				connections: io.engine.clientsCount,
				rooms: registry.roomCount,
				peers: registry.peerCount,
				files: files.fileCount
			}),
			() => state
		),
		guard.fileRoutes,
		files.handle,
		shareTargetFallback(),
		...(app ? [app.handler, notFound()] : [])
	]);

	return {
		io,
		registry,
		files,
		handle,
		async stop() {
			// Before anything else: in a cluster, a file finished after this process let go of
			// its people would be listed for a process that is gone.
			state = 'draining';
			await files.drain(config.uploadDrainSeconds * 1000);
			state = 'stopping';
			// Only this process's people: in a cluster, the others' processes go on.
			io.local.emit('server:stopping');
			await registry.stop();
			await files.stop();
			await new Promise<void>((resolve) => io.close(() => resolve()));
			await cluster?.stop();
		}
	};
}
