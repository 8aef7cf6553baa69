/**
 * The storage ledger of several processes, in Redis: an upload on any process counts against
 * its room's and the store's limits, its seat's and its address's, for every process. The
 * check and the reservation are one Lua script, so two processes cannot both take the last
 * bytes. Each reservation is tied to the process that made it (`node:<id>:reservations`), so
 * when a process stops or its heartbeat does, the sweep frees what it held (scripts.ts,
 * releaseNode). After Redis was away, each process writes back exactly its own reservations.
 *
 * Unlike the memory ledger, bytes "on their way" are the declared size until the upload
 * finishes, not the size less what has arrived: one write per upload, not one per chunk.
 */
import {
	checkDiskSpace,
	checkNewUpload,
	countedBytes,
	storageFull,
	type Limits,
	type Usage
} from '../files/limits.ts';
import type { FileLedger, LedgerEntry } from '../files/ledger.ts';
import type { Refusal } from '../files/refusals.ts';
import { log } from '../log.ts';
import { runScript, type CommandClient } from './commands.ts';
import { prelude } from './scripts.ts';

interface StoredEntry {
	id: string;
	roomId: string;
	peerId: string;
	address: string;
	size: number;
	counted: number;
	node: string;
	isFinished: boolean;
}

const addEntry = `
local function addEntry(e)
	redis.call('HSET', P .. 'quota:entries', e.id, cjson.encode(e))
	redis.call('SADD', P .. 'node:' .. e.node .. ':reservations', e.id)
	redis.call('HINCRBY', P .. 'quota:room-bytes', e.roomId, e.counted)
	redis.call('HINCRBY', P .. 'quota:room-files', e.roomId, 1)
	redis.call('HINCRBY', P .. 'quota:store', 'bytes', e.counted)
	redis.call('HINCRBY', P .. 'quota:store', 'files', 1)
	if not e.isFinished then
		redis.call('HINCRBY', P .. 'quota:seats', e.peerId, e.size)
		redis.call('HINCRBY', P .. 'quota:addresses', e.address, e.size)
	end
end
`;

/** { entry, limits } → 'ok', or the usage (JSON) that the upload would pass a limit of. */
export const reserveScript = `${prelude}${addEntry}
local e = a.entry
local l = a.limits
if redis.call('HEXISTS', P .. 'quota:entries', e.id) == 1 then return 'ok' end
local function count(key, field) return tonumber(redis.call('HGET', key, field) or '0') end
local usage = {
	roomBytes = count(P .. 'quota:room-bytes', e.roomId),
	roomFiles = count(P .. 'quota:room-files', e.roomId),
	storeBytes = count(P .. 'quota:store', 'bytes'),
	storeFiles = count(P .. 'quota:store', 'files'),
	seatPendingBytes = count(P .. 'quota:seats', e.peerId),
	addressPendingBytes = count(P .. 'quota:addresses', e.address)
}
if e.size > l.maxFileBytes
	or usage.seatPendingBytes + e.size > l.maxPendingBytesPerSeat
	or usage.addressPendingBytes + e.size > l.maxPendingBytesPerAddress
	or usage.roomFiles >= l.maxRoomFiles
	or usage.storeFiles >= l.maxStoreFiles
	or usage.roomBytes + e.counted > l.maxRoomBytes
	or usage.storeBytes + e.counted > l.maxStoreBytes
then
	return cjson.encode(usage)
end
addEntry(e)
return 'ok'
`;

/** { id } → 1 when an upload's bytes stopped counting as on their way. */
export const finishScript = `${prelude}
local raw = redis.call('HGET', P .. 'quota:entries', a.id)
if not raw then return 0 end
local e = cjson.decode(raw)
if e.isFinished then return 0 end
e.isFinished = true
redis.call('HSET', P .. 'quota:entries', a.id, cjson.encode(e))
addTo(P .. 'quota:seats', e.peerId, -e.size)
addTo(P .. 'quota:addresses', e.address, -e.size)
return 1
`;

/** { id } → 1 when a reservation was freed. */
export const releaseScript = `${prelude}
return freeReservation(a.id)
`;

/**
 * { node, keep: [id], entries: [entry] } → 'ok'. Makes Redis hold exactly this process's
 * reservations: frees those it no longer has (a release lost while Redis was away), writes
 * back those Redis lost (restarted empty), leaves alone those being decided (`keep`).
 */
export const restoreLedgerScript = `${prelude}${addEntry}
local kept = {}
for _, id in ipairs(a.keep) do kept[id] = true end
for _, id in ipairs(redis.call('SMEMBERS', P .. 'node:' .. a.node .. ':reservations')) do
	if not kept[id] then freeReservation(id) end
end
for _, e in ipairs(a.entries) do
	if redis.call('HEXISTS', P .. 'quota:entries', e.id) == 0 then addEntry(e) end
end
return 'ok'
`;

export class RedisLedger implements FileLedger {
	readonly #client: CommandClient;
	readonly #node: string;
	readonly #limits: Limits;
	/** This process's reservations; undefined while Redis is deciding one. */
	readonly #own = new Map<string, StoredEntry | undefined>();

	/** Only the figures the script compares: the whole configuration holds secrets (TURN's). */
	readonly #scriptLimits: Omit<Limits, 'minFreeBytes' | 'minStoredFileBytes'>;

	constructor(client: CommandClient, node: string, limits: Limits) {
		this.#client = client;
		this.#node = node;
		this.#limits = limits;
		this.#scriptLimits = {
			maxFileBytes: limits.maxFileBytes,
			maxRoomBytes: limits.maxRoomBytes,
			maxStoreBytes: limits.maxStoreBytes,
			maxRoomFiles: limits.maxRoomFiles,
			maxStoreFiles: limits.maxStoreFiles,
			maxPendingBytesPerSeat: limits.maxPendingBytesPerSeat,
			maxPendingBytesPerAddress: limits.maxPendingBytesPerAddress
		};
	}

	async reserve(entry: LedgerEntry, freeBytes: number): Promise<Refusal | undefined> {
		const stored: StoredEntry = {
			id: entry.id,
			roomId: entry.roomId,
			peerId: entry.peerId,
			address: entry.address,
			size: entry.size,
			counted: countedBytes(entry.size, this.#limits),
			node: this.#node,
			isFinished: false
		};
		this.#own.set(entry.id, undefined);
		let answer: unknown;
		try {
			answer = await runScript(this.#client, reserveScript, {
				entry: stored,
				limits: this.#scriptLimits
			});
		} catch (error) {
			// It may or may not have reached Redis: the next restore settles it either way.
			this.#own.delete(entry.id);
			throw error;
		}
		if (answer !== 'ok') {
			this.#own.delete(entry.id);
			const usage = JSON.parse(answer as string) as Omit<Usage, 'freeBytes'>;
			// Worded by the same rules the script decided by.
			return (
				checkNewUpload(entry.size, { ...usage, freeBytes: Infinity }, this.#limits) ?? storageFull
			);
		}
		// Released while Redis decided (its sender left): the release ran first, so free again.
		if (!this.#own.has(entry.id)) {
			this.released(entry.id);
			return undefined;
		}
		this.#own.set(entry.id, stored);
		// The disk is this process's own: checked here, after the shared limits, as alone.
		const diskFull = checkDiskSpace(entry.size, freeBytes, this.#limits);
		if (diskFull) this.released(entry.id);
		return diskFull;
	}

	finished(id: string): void {
		const stored = this.#own.get(id);
		if (stored) stored.isFinished = true;
		this.#tell(finishScript, id);
	}

	released(id: string): void {
		this.#own.delete(id);
		this.#tell(releaseScript, id);
	}

	/** Writes back this process's reservations, after Redis was away or came back empty. */
	async restore(): Promise<void> {
		await runScript(this.#client, restoreLedgerScript, {
			node: this.#node,
			keep: [...this.#own.keys()],
			entries: [...this.#own.values()].filter((entry) => entry !== undefined)
		});
	}

	#tell(script: string, id: string): void {
		runScript(this.#client, script, { id }).catch((error: unknown) => {
			// The restore after Redis comes back settles what was lost here.
			log(`could not update the storage ledger: ${(error as Error).message}`);
		});
	}
}
