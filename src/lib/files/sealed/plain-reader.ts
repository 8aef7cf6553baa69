/**
 * Reads part of a file in consecutive batches into one buffer, reused for every batch, for
 * sealing: each batch comes with the byte after it, where there is one, to lend the last
 * record its delimiter (records.ts, sealRecordBefore); that byte starts the next batch.
 *
 * Through a byte stream's BYOB reader where the browser has one (Chromium, Firefox, Node):
 * reading 8 MiB slices with `arrayBuffer()` made a new buffer for every slice and cost as much
 * CPU as the AES, while filling one buffer cost a third of that.
 */
export class PlainReader {
	readonly #file: Blob;
	#at: number;
	readonly #end: number;
	#buffer: ArrayBuffer;
	/** The byte after the last batch, which starts the next. */
	#lent: number | undefined;
	#reader: ReadableStreamBYOBReader | undefined;

	/** Reads `file` from `start` up to `end`, in batches of at most `batchBytes` (and one). */
	constructor(file: Blob, start: number, end: number, batchBytes: number) {
		this.#file = file;
		this.#at = start;
		this.#end = end;
		this.#buffer = new ArrayBuffer(Math.min(batchBytes, end - start) + 1);
		try {
			this.#reader = file.slice(start, end).stream().getReader({ mode: 'byob' });
		} catch {
			// Not a byte stream here: each batch is read as a slice of its own.
		}
	}

	/**
	 * The next `length` bytes (fewer at the end) and the byte after them if the range has one.
	 * They hold until the next call: WebCrypto copies what it is given when it is called, so the
	 * records can be handed to it and the next batch read while they are sealed.
	 */
	async next(length: number): Promise<Uint8Array<ArrayBuffer>> {
		const wanted = Math.min(length + 1, this.#end - this.#at);
		if (!this.#reader) {
			const bytes = await this.#file.slice(this.#at, this.#at + wanted).arrayBuffer();
			this.#at += Math.min(length, wanted);
			return new Uint8Array(bytes);
		}
		let filled = 0;
		if (this.#lent !== undefined) {
			new Uint8Array(this.#buffer)[0] = this.#lent;
			filled = 1;
		}
		while (filled < wanted) {
			const { done, value } = await this.#reader.read(
				new Uint8Array(this.#buffer, filled, wanted - filled)
			);
			// The read takes the buffer and gives it back as the value's.
			if (value) this.#buffer = value.buffer as ArrayBuffer;
			if (done) break;
			filled += value.byteLength;
		}
		if (filled < wanted) throw new Error('the file ended early: it changed while it was read');
		const batch = new Uint8Array(this.#buffer, 0, filled);
		this.#at += Math.min(length, filled);
		this.#lent = filled > length ? batch[length] : undefined;
		return batch;
	}

	cancel(): void {
		void this.#reader?.cancel().catch(() => {});
	}
}
