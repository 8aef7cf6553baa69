/**
 * Live Socket.IO connections per client address across every process, for
 * MAX_CONNECTIONS_PER_ADDRESS: each process counts its own in Redis (a hash per address, a field
 * per process), so a process that dies takes its counts with it (scripts.ts, releaseNode).
 * The check reads the sum before the handshake and the count follows the connection, so a burst
 * spread over several processes may pass the cap by what arrives at once; each process's own
 * count (server/guard/handshake.ts) still holds exactly.
 */
import type { CommandClient } from './commands.ts';
import { KEY_PREFIX } from './scripts.ts';

export interface SharedConnections {
	/** Connections from this address on every process, as Redis counts them now. */
	count(address: string): Promise<number>;
	opened(address: string): void;
	closed(address: string): void;
}

const addressKey = (address: string) => `${KEY_PREFIX}connections:${address}`;

export function sharedConnections(client: CommandClient, node: string): SharedConnections {
	const send = (args: string[]) =>
		// A lost update costs accuracy only; the next restore or sweep settles the counts.
		client.sendCommand(args).catch(() => undefined);
	return {
		async count(address) {
			const counts = (await client.sendCommand(['HVALS', addressKey(address)])) as string[];
			return counts.reduce((sum, count) => sum + Number(count), 0);
		},
		opened(address) {
			void send(['HINCRBY', addressKey(address), node, '1']);
			void send(['SADD', `${KEY_PREFIX}node:${node}:addresses`, address]);
		},
		closed(address) {
			void send(['HINCRBY', addressKey(address), node, '-1']);
		}
	};
}
