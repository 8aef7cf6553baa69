/**
 * `npm run cluster -- --nodes 2`: Dropcall on several processes on this machine, to try the
 * cluster mode: a redis-server, the Dropcall processes and HAProxy in front, on free loopback
 * ports. Stays in the foreground; Ctrl+C stops everything it started.
 */
import { missingBinaries, startCluster } from './cluster-launch.ts';

function readNodes(argv: string[]): number {
	const index = argv.indexOf('--nodes');
	if (index === -1) return 2;
	const nodes = Number(argv[index + 1]);
	if (!Number.isInteger(nodes) || nodes < 1 || nodes > 16) {
		console.error('--nodes takes a number from 1 to 16');
		process.exit(1);
	}
	return nodes;
}

const missing = missingBinaries();
if (missing) {
	console.error(missing);
	process.exit(1);
}
const cluster = await startCluster({ nodes: readNodes(process.argv.slice(2)) });
console.log(`proxy ${cluster.proxyUrl}`);
for (const node of cluster.nodes) {
	console.log(`node ${node.name} ${node.url} pid ${node.process.pid}`);
}
console.log(`redis ${cluster.redisUrl} pid ${cluster.redis.pid}`);

let isStopping = false;
const stop = () => {
	if (isStopping) return;
	isStopping = true;
	void cluster.stop().then(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
