/**
 * The ledger of what uploads and files hold against the storage limits: the bytes and files of
 * each room and of the whole store, and the bytes each seat and each address have declared but
 * not yet sent. Alone, this process keeps it in memory (MemoryLedger); in a cluster it lives in
 * Redis (server/cluster/ledger.ts), so uploads spread over processes meet the same limits.
 * Reserving checks the limits and takes the share in one step, so two uploads starting at once
 * cannot both take the last bytes.
 */
import type { MaybePromise } from '../registry.ts';
import { checkNewUpload, countedBytes, type Limits } from './limits.ts';
import type { Refusal } from './refusals.ts';

export interface LedgerEntry {
	id: string;
	roomId: string;
	peerId: string;
	/** The client address that made it, as the per-address limit counts it. */
	address: string;
	size: number;
	/** Bytes received so far; a memory ledger counts only the rest as still on its way. */
	offset: number;
}

export interface FileLedger {
	/**
	 * Checks the limits and, when the upload fits, counts it in full against its room and the
	 * store and as declared against its seat and address. `freeBytes` is this process's disk
	 * space left after the uploads it is already receiving.
	 */
	reserve(entry: LedgerEntry, freeBytes: number): MaybePromise<Refusal | undefined>;
	/** Every byte arrived: it still counts against room and store, no longer as on its way. */
	finished(id: string): void;
	/** Deleted, refused or abandoned: frees its share. Harmless for an id not reserved. */
	released(id: string): void;
}

export class MemoryLedger implements FileLedger {
	readonly #limits: Limits;
	readonly #entries = new Map<string, { entry: LedgerEntry; isFinished: boolean }>();

	constructor(limits: Limits) {
		this.#limits = limits;
	}

	reserve(entry: LedgerEntry, freeBytes: number): Refusal | undefined {
		let roomBytes = 0;
		let roomFiles = 0;
		let storeBytes = 0;
		let storeFiles = 0;
		let seatPendingBytes = 0;
		let addressPendingBytes = 0;
		for (const { entry: other, isFinished } of this.#entries.values()) {
			const counted = countedBytes(other.size, this.#limits);
			storeBytes += counted;
			storeFiles += 1;
			if (other.roomId === entry.roomId) {
				roomBytes += counted;
				roomFiles += 1;
			}
			if (isFinished) continue;
			const unwritten = other.size - other.offset;
			if (other.peerId === entry.peerId) seatPendingBytes += unwritten;
			if (other.address === entry.address) addressPendingBytes += unwritten;
		}
		const refusal = checkNewUpload(
			entry.size,
			{
				roomBytes,
				roomFiles,
				storeBytes,
				storeFiles,
				seatPendingBytes,
				addressPendingBytes,
				freeBytes
			},
			this.#limits
		);
		if (!refusal) this.#entries.set(entry.id, { entry, isFinished: false });
		return refusal;
	}

	finished(id: string): void {
		const held = this.#entries.get(id);
		if (held) held.isFinished = true;
	}

	released(id: string): void {
		this.#entries.delete(id);
	}
}
