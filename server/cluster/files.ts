/**
 * The file list shared by several processes: each file's bytes stay on the disk of the process
 * that received them, and Redis says which process that is, so any process can list a room's
 * files and hand out links that the proxy routes to the holder (`/files/node/<name>/…`).
 * Download links are signed with one key kept in Redis, so the holder accepts a link another
 * process made. A holder that stops or dies takes its files out of Redis (scripts.ts), and
 * every process tells its people why.
 */
import { randomBytes } from 'node:crypto';
import type { FileInfo } from '../../src/lib/protocol.ts';
import type { CommandClient } from './commands.ts';
import { KEY_PREFIX } from './scripts.ts';

export interface HeldFile {
	roomId: string;
	info: FileInfo;
	/** The NODE_NAME of the process holding it: where the proxy sends its downloads. */
	nodeName: string;
	/** The holder's id in Redis (its heartbeat), which the sweep checks. */
	node: string;
}

/** What the file store asks of the cluster; undefined when this process is alone. */
export interface SharedFiles {
	readonly nodeName: string;
	readonly linkKey: Buffer;
	added(roomId: string, info: FileInfo): Promise<void>;
	removed(roomId: string, id: string): Promise<void>;
	filesIn(roomId: string): Promise<FileInfo[]>;
	find(id: string): Promise<HeldFile | undefined>;
	/** Writes back this process's files and the link key, after Redis came back without them. */
	restore(): Promise<void>;
}

const filesKey = `${KEY_PREFIX}files`;
const roomFilesKey = (roomId: string) => `${KEY_PREFIX}room:${roomId}:files`;
const nodeFilesKey = (node: string) => `${KEY_PREFIX}node:${node}:files`;
export const LINK_KEY = `${KEY_PREFIX}file-link-key`;

/** The link key all processes share: the first process to start makes it. */
export async function sharedLinkKey(client: CommandClient): Promise<Buffer> {
	await client.sendCommand(['SET', LINK_KEY, randomBytes(32).toString('hex'), 'NX']);
	return Buffer.from((await client.sendCommand(['GET', LINK_KEY])) as string, 'hex');
}

export function sharedFiles(
	client: CommandClient,
	node: string,
	nodeName: string,
	linkKey: Buffer
): SharedFiles {
	const send = (args: string[]) => client.sendCommand(args);
	// This process's own files, to write back should Redis come back without them.
	const own = new Map<string, HeldFile>();
	const write = (held: HeldFile) =>
		Promise.all([
			send(['HSET', filesKey, held.info.id, JSON.stringify(held)]),
			send(['SADD', roomFilesKey(held.roomId), held.info.id]),
			send(['SADD', nodeFilesKey(node), held.info.id])
		]);
	return {
		nodeName,
		linkKey,
		async added(roomId, info) {
			const held: HeldFile = { roomId, info, nodeName, node };
			own.set(info.id, held);
			await write(held);
		},
		async removed(roomId, id) {
			own.delete(id);
			await Promise.all([
				send(['HDEL', filesKey, id]),
				send(['SREM', roomFilesKey(roomId), id]),
				send(['SREM', nodeFilesKey(node), id])
			]);
		},
		async filesIn(roomId) {
			const ids = (await send(['SMEMBERS', roomFilesKey(roomId)])) as string[];
			if (ids.length === 0) return [];
			const found = (await send(['HMGET', filesKey, ...ids])) as (string | null)[];
			return found
				.filter((raw) => raw !== null)
				.map((raw) => (JSON.parse(raw) as HeldFile).info)
				.sort((a, b) => a.createdAt - b.createdAt);
		},
		async find(id) {
			const raw = (await send(['HGET', filesKey, id])) as string | null;
			return raw === null ? undefined : (JSON.parse(raw) as HeldFile);
		},
		async restore() {
			await send(['SET', LINK_KEY, linkKey.toString('hex'), 'NX']);
			await Promise.all([...own.values()].map(write));
		}
	};
}
