/**
 * Reads a stream into buffers its reader owns and reuses: a record to open, a batch to seal. A
 * byte stream (a fetch body or a file's stream in Chromium, Firefox and Node) is read straight
 * into the buffer, which spares a new buffer for every chunk and a copy of each into place:
 * opening a download took 40% less time than with chunks, and sealing a third of the CPU that
 * 8 MiB `arrayBuffer()` slices took. Any other stream's chunks are copied in.
 */
export interface Filled {
	/** The buffer given, or the one it moved to: a byte stream's read takes it over. */
	buffer: Uint8Array<ArrayBuffer>;
	/** Bytes in it; fewer than its length only where the stream ended. */
	filled: number;
}

export class StreamFiller {
	readonly #direct: ReadableStreamBYOBReader | undefined;
	readonly #chunks: ReadableStreamDefaultReader<Uint8Array> | undefined;
	/** What is left of the last chunk read from a stream of chunks. */
	#rest: Uint8Array | undefined;

	constructor(stream: ReadableStream<Uint8Array>) {
		try {
			this.#direct = stream.getReader({ mode: 'byob' });
		} catch {
			this.#chunks = stream.getReader();
		}
	}

	/** Fills `buffer` from `from` to its end, or until the stream ends. */
	async fill(buffer: Uint8Array<ArrayBuffer>, from: number): Promise<Filled> {
		return this.#direct ? this.#fillDirect(buffer, from) : this.#fillFromChunks(buffer, from);
	}

	cancel(reason?: unknown): Promise<void> {
		return (this.#direct ?? this.#chunks)!.cancel(reason);
	}

	async #fillDirect(buffer: Uint8Array<ArrayBuffer>, from: number): Promise<Filled> {
		const reader = this.#direct!;
		// A read detaches the buffer it is given (its length reads 0 after), and answers with a
		// view of the same memory.
		const { byteOffset, length } = buffer;
		let filled = from;
		while (filled < length) {
			const into = new Uint8Array(buffer.buffer, byteOffset + filled, length - filled);
			// No `min` asking for the whole record in one read: a stream closing with fewer bytes
			// queued than that errors instead of ending (the Streams standard's pull-into).
			const { value, done } = await reader.read(into);
			if (value) {
				buffer = new Uint8Array(value.buffer, byteOffset, length);
				filled += value.length;
			}
			if (done) break;
		}
		return { buffer, filled };
	}

	async #fillFromChunks(buffer: Uint8Array<ArrayBuffer>, from: number): Promise<Filled> {
		let filled = from;
		while (filled < buffer.length) {
			if (!this.#rest) {
				const { value, done } = await this.#chunks!.read();
				if (done) break;
				this.#rest = value;
			}
			const part = this.#rest.subarray(0, buffer.length - filled);
			buffer.set(part, filled);
			filled += part.length;
			this.#rest = part.length < this.#rest.length ? this.#rest.subarray(part.length) : undefined;
		}
		return { buffer, filled };
	}
}
