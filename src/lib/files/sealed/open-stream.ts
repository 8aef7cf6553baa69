/**
 * Opens a sealed file as it streams: bytes in as they arrive, plaintext out batch by batch,
 * never more than a few megabytes held. A record that fails its tag, a file cut short, a record
 * out of place or bytes after the last record error the stream with TamperedError, so whatever
 * is writing the plaintext stops instead of finishing a wrong file.
 */
import {
	deriveKeys,
	openRecord,
	parseHeader,
	TamperedError,
	type Header,
	type RecordKeys
} from './records';

/**
 * Sealed bytes opened together: 1 MiB of whole records, at least one. Chromium 156 does
 * AES-GCM inside the decrypt() call itself (a profile shows no time on other threads), so the
 * gain is fewer trips through the stream and the promise machinery per byte, not work side by
 * side; a browser that does hand the work to other threads gets that too. Counted in bytes so
 * that what is held stays the same whatever record size a file was sealed with.
 */
const BATCH_BYTES = 1024 * 1024;
/**
 * Batches being opened while the oldest is handed on, so that the stream keeps reading the
 * network while a batch waits on WebCrypto or on the writer.
 */
const BATCHES_IN_FLIGHT = 4;
/** Bytes each side of the stream may queue: a few batches, so neither side waits on the other. */
const QUEUED_BYTES = 4 * 1024 * 1024;

/** `onHeader` hears the file's header as soon as it has arrived, before any record is opened. */
export function openSealedStream(
	secret: Uint8Array<ArrayBuffer>,
	onHeader?: (header: Header) => void
): TransformStream<Uint8Array, Uint8Array> {
	const queue = new ByteQueue();
	let header: Header | undefined;
	let keys: RecordKeys | undefined;
	let sequence = 0;
	let hasEnded = false;
	/** Batches being opened, oldest first: handed on in this order whenever they finish. */
	const opening: Promise<Uint8Array<ArrayBuffer>[]>[] = [];

	/** Opens these records, the next in sequence. */
	function openBatch(records: Uint8Array<ArrayBuffer>[], endsFile: boolean) {
		if (hasEnded && records.length > 0) throw new TamperedError('bytes after the last record');
		hasEnded = endsFile;
		const first = sequence;
		sequence += records.length;
		const opened = Promise.all(
			records.map((record, index) => openRecord(keys!, first + index, record))
		).then((plains) =>
			plains.map(({ plain, isLast }, index) => {
				const mustBeLast = endsFile && index === plains.length - 1;
				if (isLast !== mustBeLast) {
					throw new TamperedError(
						isLast ? 'bytes after the last record' : 'the file was cut short'
					);
				}
				return plain;
			})
		);
		// Awaited in turn below; until then a failure must not count as unhandled.
		opened.catch(() => {});
		opening.push(opened);
	}

	/** Hands on the oldest batch's plaintext once it is open. */
	async function handOn(controller: TransformStreamDefaultController<Uint8Array>) {
		for (const plain of await opening.shift()!) controller.enqueue(plain);
	}

	/** Every whole record known not to be the last (a byte after it has arrived), at most `most`. */
	function takeRecords(most = Infinity): Uint8Array<ArrayBuffer>[] {
		const records: Uint8Array<ArrayBuffer>[] = [];
		while (records.length < most && queue.length > header!.recordBytes) {
			records.push(queue.take(header!.recordBytes));
		}
		return records;
	}

	const strategy = { highWaterMark: QUEUED_BYTES, size: (chunk: Uint8Array) => chunk.byteLength };
	return new TransformStream(
		{
			async transform(chunk, controller) {
				queue.push(chunk);
				if (!header) {
					header = parseHeader(queue.peek(queue.length));
					if (!header) return;
					onHeader?.(header);
					keys = await deriveKeys(secret, header.salt);
					queue.take(header.headerBytes);
				}
				const perBatch = Math.max(1, Math.floor(BATCH_BYTES / header.recordBytes));
				while (queue.length > header.recordBytes * perBatch) {
					openBatch(takeRecords(perBatch), false);
					while (opening.length >= BATCHES_IN_FLIGHT) await handOn(controller);
				}
			},
			async flush(controller) {
				if (!header || queue.length === 0) throw new TamperedError('the file was cut short');
				const records = takeRecords();
				records.push(queue.take(queue.length));
				openBatch(records, true);
				while (opening.length > 0) await handOn(controller);
			}
		},
		strategy,
		strategy
	);
}

/** Bytes waiting to make a whole record, kept as the chunks they came in. */
class ByteQueue {
	#chunks: Uint8Array[] = [];
	length = 0;

	push(chunk: Uint8Array): void {
		if (chunk.length === 0) return;
		this.#chunks.push(chunk);
		this.length += chunk.length;
	}

	peek(count: number): Uint8Array<ArrayBuffer> {
		return this.#copy(count, false);
	}

	/**
	 * The next `count` bytes: a view into the chunk they arrived in when they all did (WebCrypto
	 * copies what it is given, so a record need not be copied first), else a copy.
	 */
	take(count: number): Uint8Array<ArrayBuffer> {
		const head = this.#chunks[0];
		if (!head || head.length < count || !(head.buffer instanceof ArrayBuffer)) {
			return this.#copy(count, true);
		}
		const taken = head.subarray(0, count) as Uint8Array<ArrayBuffer>;
		if (head.length === count) this.#chunks.shift();
		else this.#chunks[0] = head.subarray(count);
		this.length -= count;
		return taken;
	}

	#copy(count: number, isTaking: boolean): Uint8Array<ArrayBuffer> {
		const out = new Uint8Array(count);
		let filled = 0;
		let index = 0;
		while (filled < count) {
			const chunk = this.#chunks[index]!;
			const part = chunk.subarray(0, count - filled);
			out.set(part, filled);
			filled += part.length;
			if (!isTaking) index += 1;
			else if (part.length === chunk.length) this.#chunks.shift();
			else this.#chunks[0] = chunk.subarray(part.length);
		}
		if (isTaking) this.length -= count;
		return out;
	}
}
