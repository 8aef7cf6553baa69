/**
 * Joins this process to a cluster: the Redis clients, Socket.IO's sharded Redis adapter, the
 * shared registry and the shared rate-limit store. server/index.ts imports this module only when
 * REDIS_URL is set, so a single process never loads the Redis packages at all.
 */
import { createShardedAdapter } from '@socket.io/redis-adapter';
import { createClient } from 'redis';
import type { Config } from '../config.ts';
import type { LimiterStore } from '../guard/limiter.ts';
import { log } from '../log.ts';
import { sharedConnections, type SharedConnections } from './connections.ts';
import { sharedFiles, sharedLinkKey, type SharedFiles } from './files.ts';
import { RedisLedger } from './ledger.ts';
import { redisStore } from './limiter.ts';
import { RedisRegistry } from './registry.ts';
import { EVENTS_CHANNEL } from './scripts.ts';

/** At start only: a process that cannot reach Redis says so rather than waiting forever. */
const CONNECT_TIMEOUT_MS = 10_000;

export interface Cluster {
	registry: RedisRegistry;
	adapter: ReturnType<typeof createShardedAdapter>;
	limiterStore: LimiterStore;
	files: SharedFiles;
	/** The storage limits, counted over every process. */
	ledger: RedisLedger;
	connections: SharedConnections;
	/** Lets the registry ask Socket.IO which connections are on this process. */
	attach(io: { sockets: { sockets: Map<string, unknown> } }): void;
	/** Closes the Redis connections; after Socket.IO has closed, which uses them to the end. */
	stop(): Promise<void>;
}

export async function joinCluster(config: Config): Promise<Cluster> {
	const url = config.redisUrl!;
	const client = createClient({
		url,
		// A command while Redis is away fails at once: the person gets "try again", not a hang.
		disableOfflineQueue: true,
		socket: { reconnectStrategy: (retries) => Math.min(100 * 2 ** retries, 2000) }
	});
	const adapterSubscriber = client.duplicate();
	const subscriber = client.duplicate();
	let isDown = false;
	for (const each of [client, adapterSubscriber, subscriber]) {
		each.on('error', (error: Error) => {
			if (!isDown) log(`Redis connection trouble: ${error.message}`);
			isDown = true;
		});
		each.on('ready', () => {
			if (isDown) log('Redis is back');
			isDown = false;
		});
	}
	let timer: NodeJS.Timeout | undefined;
	const givingUp = new Promise<never>((_, reject) => {
		timer = setTimeout(() => {
			for (const each of [client, adapterSubscriber, subscriber]) each.destroy();
			reject(new Error(`Redis at ${url} did not answer within ${CONNECT_TIMEOUT_MS / 1000} s`));
		}, CONNECT_TIMEOUT_MS);
	});
	await Promise.race([
		Promise.all([client.connect(), adapterSubscriber.connect(), subscriber.connect()]),
		givingUp
	]).finally(() => clearTimeout(timer));

	const registry = new RedisRegistry(client, config.nodeName, config);
	await subscriber.subscribe(EVENTS_CHANNEL, (message) => registry.receive(message));
	await registry.reload();
	registry.start();
	const files = sharedFiles(client, registry.node, config.nodeName, await sharedLinkKey(client));
	const ledger = new RedisLedger(client, registry.node, config);
	// After every reconnection: Redis may have come back empty (restarted without persistence)
	// and changes published while the subscriber was away are lost. Once both connections are
	// back, this process writes its rooms back and rebuilds its view.
	const resync = () => {
		if (!client.isReady || !subscriber.isReady) return;
		void Promise.all([registry.restore(), files.restore(), ledger.restore()])
			.then(() => registry.reload())
			.catch((error: unknown) => {
				log(`could not resync the rooms with Redis: ${(error as Error).message}`);
			});
	};
	client.on('ready', resync);
	subscriber.on('ready', resync);

	return {
		registry,
		adapter: createShardedAdapter(client, adapterSubscriber),
		limiterStore: redisStore(client),
		files,
		ledger,
		connections: sharedConnections(client, registry.node),
		attach(io) {
			registry.isConnectedHere = (connectionId) => io.sockets.sockets.has(connectionId);
		},
		async stop() {
			await Promise.allSettled([client.close(), adapterSubscriber.close(), subscriber.close()]);
		}
	};
}
