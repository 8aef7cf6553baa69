/**
 * Reads part of a file in consecutive batches into one buffer, reused for every batch, for
 * sealing: each batch comes with the byte after it, where there is one, to lend the last
 * record its delimiter (records.ts, sealRecordBefore); that byte starts the next batch.
 */
import { StreamFiller } from './stream-filler';

export class PlainReader {
	#left: number;
	#buffer: Uint8Array<ArrayBuffer>;
	/** The byte after the last batch, which starts the next. */
	#lent: number | undefined;
	readonly #filler: StreamFiller;

	/** Reads `file` from `start` up to `end`, in batches of at most `batchBytes` (and one). */
	constructor(file: Blob, start: number, end: number, batchBytes: number) {
		this.#left = end - start;
		this.#buffer = new Uint8Array(Math.min(batchBytes, end - start) + 1);
		this.#filler = new StreamFiller(file.slice(start, end).stream());
	}

	/**
	 * The next `length` bytes (fewer at the end) and the byte after them if the range has one.
	 * They hold until the next call: WebCrypto copies what it is given when it is called, so the
	 * records can be handed to it and the next batch read while they are sealed.
	 */
	async next(length: number): Promise<Uint8Array<ArrayBuffer>> {
		const wanted = Math.min(length + 1, this.#left);
		let from = 0;
		if (this.#lent !== undefined) {
			this.#buffer[0] = this.#lent;
			from = 1;
		}
		const { buffer, filled } = await this.#filler.fill(this.#buffer.subarray(0, wanted), from);
		this.#buffer = new Uint8Array(buffer.buffer);
		if (filled < wanted) throw new Error('the file ended early: it changed while it was read');
		this.#left -= Math.min(length, filled);
		this.#lent = filled > length ? buffer[length] : undefined;
		return buffer;
	}

	cancel(): void {
		void this.#filler.cancel().catch(() => {});
	}
}
