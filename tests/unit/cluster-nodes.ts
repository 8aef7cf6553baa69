/**
 * Several Dropcall servers sharing one real redis-server, each a node of a cluster as a process
 * of `npm run cluster` is: its own registry, Redis clients and upload folder. They run inside the
 * test's process, so a test reaches into each one; Redis cannot tell them from processes.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from 'redis';
import { joinCluster, type Cluster } from '../../server/cluster/index';
import { readConfig, type Config } from '../../server/config';
import { startRedisServer, type RedisServer } from '../../scripts/redis-launch';
import { startServer, type Harness } from './harness';

const connect = (url: string) => createClient({ url });
export type RedisClient = ReturnType<typeof connect>;

export interface ClusterNode extends Harness {
	cluster: Cluster;
}

export interface TestRedis {
	server: RedisServer;
	/** A plain client for the test to look at what Redis holds. */
	client: RedisClient;
	/** A node of the cluster; closed by closeNodes. */
	node(name: string, overrides?: Partial<Config>): Promise<ClusterNode>;
	/** Closes every node still open and empties Redis, between tests. */
	closeNodes(): Promise<void>;
	stop(): Promise<void>;
}

export async function startTestRedis(): Promise<TestRedis> {
	const folder = mkdtempSync(join(tmpdir(), 'dropcall-redis-test-'));
	const server = await startRedisServer({ folder });
	const client = connect(server.url);
	client.on('error', () => {});
	await client.connect();
	let nodes: ClusterNode[] = [];
	return {
		server,
		client,
		async node(name, overrides = {}) {
			const config: Config = {
				...readConfig({}),
				quiet: true,
				host: '127.0.0.1',
				redisUrl: server.url,
				nodeName: name,
				uploadDrainSeconds: 0,
				...overrides
			};
			const cluster = await joinCluster(config);
			const harness = await startServer(config, {
				cluster,
				freeBytes: () => Promise.resolve(2 ** 40)
			});
			const node = { ...harness, cluster };
			nodes.push(node);
			return node;
		},
		async closeNodes() {
			await Promise.all(nodes.map((node) => node.close()));
			nodes = [];
			if (client.isReady) await client.flushAll();
		},
		async stop() {
			await client.close().catch(() => {});
			await server.stop();
			rmSync(folder, { recursive: true, force: true });
		}
	};
}
