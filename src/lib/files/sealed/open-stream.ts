/**
 * Opens a sealed file as it streams: bytes in as they arrive, plaintext out record by record,
 * never more than a record or two held. A record that fails its tag, a file cut short, a
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

export function openSealedStream(
	secret: Uint8Array<ArrayBuffer>
): TransformStream<Uint8Array, Uint8Array> {
	const queue = new ByteQueue();
	let header: Header | undefined;
	let keys: RecordKeys | undefined;
	let sequence = 0;
	let hasEnded = false;

	async function openNext(record: Uint8Array<ArrayBuffer>, mustBeLast: boolean) {
		if (hasEnded) throw new TamperedError('bytes after the last record');
		const { plain, isLast } = await openRecord(keys!, sequence, record);
		if (isLast !== mustBeLast) {
			throw new TamperedError(isLast ? 'bytes after the last record' : 'the file was cut short');
		}
		sequence += 1;
		hasEnded = isLast;
		return plain;
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
			// A record is known not to be the last only once a byte after it has arrived.
			while (queue.length > header.recordBytes) {
				controller.enqueue(await openNext(queue.take(header.recordBytes), false));
			}
		},
		async flush(controller) {
			if (!header || queue.length === 0) throw new TamperedError('the file was cut short');
			controller.enqueue(await openNext(queue.take(queue.length), true));
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
