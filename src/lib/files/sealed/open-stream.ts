/**
 * Opens a sealed file as it streams: bytes in as they arrive, plaintext out record by record,
 * never more than a few dozen records (a megabyte or two) held. A record that fails its tag, a file cut short, a
 * record out of place or bytes after the last record error the stream with TamperedError, so
 * whatever is writing the plaintext stops instead of finishing a wrong file.
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
 * Records are opened this many at a time: WebCrypto works off the main thread, and one record
 * at a time left it waiting on each round trip (a third of the speed of a plain download).
 */
const RECORDS_AT_ONCE = 16;

export function openSealedStream(
	secret: Uint8Array<ArrayBuffer>
): TransformStream<Uint8Array, Uint8Array> {
	const queue = new ByteQueue();
	let header: Header | undefined;
	let keys: RecordKeys | undefined;
	let sequence = 0;
	let hasEnded = false;

	/** Opens these records, the next in sequence, side by side; checks their order of ending. */
	async function openRecords(records: Uint8Array<ArrayBuffer>[], endsFile: boolean) {
		if (hasEnded && records.length > 0) throw new TamperedError('bytes after the last record');
		const first = sequence;
		sequence += records.length;
		const opened = await Promise.all(
			records.map((record, index) => openRecord(keys!, first + index, record))
		);
		opened.forEach(({ isLast }, index) => {
			const mustBeLast = endsFile && index === opened.length - 1;
			if (isLast !== mustBeLast) {
				throw new TamperedError(isLast ? 'bytes after the last record' : 'the file was cut short');
			}
		});
		hasEnded = endsFile;
		return opened.map(({ plain }) => plain);
	}

	/** Every whole record known not to be the last: a byte after it has arrived. */
	function takeRecords(): Uint8Array<ArrayBuffer>[] {
		const records: Uint8Array<ArrayBuffer>[] = [];
		while (queue.length > header!.recordBytes) records.push(queue.take(header!.recordBytes));
		return records;
	}

	return new TransformStream({
		async transform(chunk, controller) {
			queue.push(chunk);
			if (!header) {
				header = parseHeader(queue.peek(queue.length));
				if (!header) return;
				keys = await deriveKeys(secret, header.salt);
				queue.take(header.headerBytes);
			}
			if (queue.length <= header.recordBytes * RECORDS_AT_ONCE) return;
			for (const plain of await openRecords(takeRecords(), false)) controller.enqueue(plain);
		},
		async flush(controller) {
			if (!header || queue.length === 0) throw new TamperedError('the file was cut short');
			const records = takeRecords();
			records.push(queue.take(queue.length));
			for (const plain of await openRecords(records, true)) controller.enqueue(plain);
		}
	});
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

	take(count: number): Uint8Array<ArrayBuffer> {
		return this.#copy(count, true);
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
