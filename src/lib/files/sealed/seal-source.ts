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
	sealRecordBefore,
	type RecordKeys
} from './records';
import { PlainReader } from './plain-reader';

/**
 * Plaintext read and sealed together: 8 MiB (whole records, at least one). Each read of the
 * file crosses to the browser process and each record is its own WebCrypto call, so fewer,
 * larger reads and many calls in flight cost less CPU per byte (2 MiB took a tenth more); a
 * 32 MiB chunk is still never held. Counted in bytes so memory stays the same whatever the
 * record size.
 */
const BATCH_BYTES = 8 * 1024 * 1024;

/** Sealed bytes that belong at `at` in the sealed file. */
export interface SealedPiece {
	at: number;
	bytes: Uint8Array<ArrayBuffer>;
}

export class SealedSource {
	readonly size: number;
	/** What the source is made of, to make the same source in a worker. */
	readonly file: Blob;
	readonly keys: RecordKeys;
	readonly salt: Uint8Array<ArrayBuffer>;
	/** The record size it seals with: RECORD_BYTES, or the size a resumed upload began with. */
	readonly recordBytes: number;
	readonly #header: Uint8Array<ArrayBuffer>;
	readonly #records: number;
	readonly #plainPerRecord: number;
	readonly #recordsAtOnce: number;

	constructor(
		file: Blob,
		keys: RecordKeys,
		salt: Uint8Array<ArrayBuffer>,
		recordBytes = RECORD_BYTES
	) {
		this.file = file;
		this.keys = keys;
		this.salt = salt;
		this.recordBytes = recordBytes;
		this.#header = encodeHeader(salt, recordBytes);
		this.#records = recordCount(file.size, recordBytes);
		this.#plainPerRecord = plainBytesPerRecord(recordBytes);
		this.#recordsAtOnce = Math.max(1, Math.floor(BATCH_BYTES / recordBytes));
		this.size = sealedBytes(file.size, recordBytes);
	}

	/** The sealed bytes from `start` up to `end` (exclusive), clipped to the size. */
	async slice(start: number, end: number): Promise<Uint8Array<ArrayBuffer>> {
		end = Math.min(end, this.size);
		const out = new Uint8Array(Math.max(0, end - start));
		for await (const { at, bytes } of this.pieces(start, end)) out.set(bytes, at - start);
		return out;
	}

	/**
	 * The sealed bytes from `start` up to `end` (exclusive) as pieces in order, the header's and
	 * then a few records' each (the first and last cut to the range), for a writer that puts
	 * each where it belongs and so never holds the range whole. A piece's bytes hold until the
	 * next piece is asked for: one buffer serves them all, as making a new one for every piece
	 * cost more than the copying into it. The next records are read while these are sealed.
	 */
	async *pieces(start: number, end: number): AsyncGenerator<SealedPiece> {
		end = Math.min(end, this.size);
		if (end <= start) return;
		if (start < HEADER_BYTES) {
			yield { at: start, bytes: this.#header.slice(start, Math.min(end, HEADER_BYTES)) };
		}
		if (end <= HEADER_BYTES) return;
		const recordBytes = this.recordBytes;
		const atOnce = this.#recordsAtOnce;
		const first = Math.floor((Math.max(start, HEADER_BYTES) - HEADER_BYTES) / recordBytes);
		const last = Math.min(this.#records - 1, Math.floor((end - 1 - HEADER_BYTES) / recordBytes));
		const buffer = new Uint8Array(Math.min(last - first + 1, atOnce) * recordBytes);
		const plainStart = first * this.#plainPerRecord;
		const reader = new PlainReader(
			this.file,
			plainStart,
			Math.min(this.file.size, (last + 1) * this.#plainPerRecord + 1),
			atOnce * this.#plainPerRecord
		);
		try {
			let reading = reader.next(atOnce * this.#plainPerRecord);
			for (let batch = first; batch <= last; batch += atOnce) {
				const batchLast = Math.min(last, batch + atOnce - 1);
				const sealing = this.#sealBatch(batch, batchLast, await reading);
				// WebCrypto has its copy of this batch: the next is read while it is sealed.
				if (batchLast < last) {
					reading = reader.next(atOnce * this.#plainPerRecord);
					// Met when awaited; unawaited only when sealing failed, and then unwanted.
					reading.catch(() => {});
				}
				const sealed = await sealing;
				// One piece per batch: a writer may pay for each call (a synchronous handle in a
				// private window sends each write to the browser process).
				const batchStart = HEADER_BYTES + batch * recordBytes;
				const from = Math.max(start, batchStart);
				const to = Math.min(
					end,
					batchStart + (sealed.length - 1) * recordBytes + sealed.at(-1)!.length
				);
				for (const [index, record] of sealed.entries()) {
					const recordStart = batchStart + index * recordBytes;
					const recordFrom = Math.max(from, recordStart);
					const recordTo = Math.min(to, recordStart + record.length);
					buffer.set(
						record.subarray(recordFrom - recordStart, recordTo - recordStart),
						recordFrom - from
					);
				}
				yield { at: from, bytes: buffer.subarray(0, to - from) };
			}
		} finally {
			reader.cancel();
		}
	}

	/**
	 * Records `first` to `last`, all handed to WebCrypto at once (Chromium seals each within
	 * the call, on the worker's thread; others may seal them side by side).
	 */
	#sealBatch(first: number, last: number, plain: Uint8Array<ArrayBuffer>) {
		return Promise.all(
			Array.from({ length: last - first + 1 }, (_, index) => {
				const sequence = first + index;
				const from = index * this.#plainPerRecord;
				const length = Math.min(
					this.#plainPerRecord,
					this.file.size - first * this.#plainPerRecord - from
				);
				const isLast = sequence === this.#records - 1;
				const record = plain.subarray(from);
				// Every record but the file's last has a byte after it here (see PlainReader).
				return record.length > length
					? sealRecordBefore(this.keys, sequence, record, length, isLast)
					: sealRecord(this.keys, sequence, record.subarray(0, length), isLast);
			})
		);
	}
}
