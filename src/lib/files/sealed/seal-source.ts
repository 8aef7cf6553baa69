/**
 * A file as its sealed bytes, any range of them on demand: what tus uploads. A range is sealed
 * from the records that cover it, so an upload resumes at whatever offset the server has,
 * re-sealing only the record it stopped in. Sealing a record again gives the very same bytes
 * (same key, same nonce, same plaintext), so no nonce ever seals two different plaintexts as
 * long as the file has not changed: ./fingerprint.ts checks that before a resume.
 */
import {
	encodeHeader,
	HEADER_BYTES,
	plainBytesPerRecord,
	RECORD_BYTES,
	recordCount,
	sealedBytes,
	sealRecord,
	type RecordKeys
} from './records';

export class SealedSource {
	readonly size: number;
	readonly #file: Blob;
	readonly #keys: RecordKeys;
	readonly #header: Uint8Array<ArrayBuffer>;
	readonly #records: number;
	readonly #plainPerRecord = plainBytesPerRecord(RECORD_BYTES);

	constructor(file: Blob, keys: RecordKeys, salt: Uint8Array) {
		this.#file = file;
		this.#keys = keys;
		this.#header = encodeHeader(salt, RECORD_BYTES);
		this.#records = recordCount(file.size, RECORD_BYTES);
		this.size = sealedBytes(file.size, RECORD_BYTES);
	}

	/** The sealed bytes from `start` up to `end` (exclusive), clipped to the size. */
	async slice(start: number, end: number): Promise<Uint8Array<ArrayBuffer>> {
		end = Math.min(end, this.size);
		const out = new Uint8Array(Math.max(0, end - start));
		if (out.length === 0) return out;
		if (start < HEADER_BYTES) out.set(this.#header.subarray(start, Math.min(end, HEADER_BYTES)));
		if (end <= HEADER_BYTES) return out;
		const first = Math.floor((Math.max(start, HEADER_BYTES) - HEADER_BYTES) / RECORD_BYTES);
		const last = Math.min(this.#records - 1, Math.floor((end - 1 - HEADER_BYTES) / RECORD_BYTES));
		const plainStart = first * this.#plainPerRecord;
		const plainEnd = Math.min(this.#file.size, (last + 1) * this.#plainPerRecord);
		const plain = new Uint8Array(await this.#file.slice(plainStart, plainEnd).arrayBuffer());
		// WebCrypto works off the main thread: records of one range seal side by side.
		const sealed = await Promise.all(
			Array.from({ length: last - first + 1 }, (_, index) => {
				const sequence = first + index;
				const from = index * this.#plainPerRecord;
				return sealRecord(
					this.#keys,
					sequence,
					plain.subarray(from, Math.min(plain.length, from + this.#plainPerRecord)),
					sequence === this.#records - 1
				);
			})
		);
		sealed.forEach((record, index) => {
			const recordStart = HEADER_BYTES + (first + index) * RECORD_BYTES;
			const from = Math.max(start, recordStart);
			const to = Math.min(end, recordStart + record.length);
			out.set(record.subarray(from - recordStart, to - recordStart), from - start);
		});
		return out;
	}
}
