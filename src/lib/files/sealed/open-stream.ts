/**
 * Opens a sealed file as it streams: sealed bytes in as they arrive, plaintext out record by
 * record, never more than a few megabytes held. A record that fails its tag, a file cut short,
 * a record out of place or bytes after the last record error the stream with TamperedError, so
 * whatever is writing the plaintext stops instead of finishing a wrong file.
 */
import { StreamFiller } from './stream-filler';
import {
	deriveKeys,
	HEADER_BYTES,
	openRecord,
	parseHeader,
	SALT_BYTES,
	TamperedError,
	type Header,
	type RecordKeys
} from './records';

/**
 * Sealed bytes being opened while the oldest record is handed on, so that reading the network
 * and WebCrypto's promises overlap with the writer. Counted in bytes, so that what is held
 * stays the same whatever record size a file was sealed with.
 */
const OPENING_BYTES = 4 * 1024 * 1024;
/** Plaintext opened and waiting for the reader to take it. */
const QUEUED_BYTES = 4 * 1024 * 1024;

interface Opening {
	sequence: number;
	opened: Promise<{ plain: Uint8Array<ArrayBuffer>; isLast: boolean }>;
}

/**
 * The plaintext of the sealed file `sealed` streams. `onHeader` hears the file's header as
 * soon as it has arrived, before any record is opened; the stream reads that far by itself.
 */
export function openSealedBody(
	sealed: ReadableStream<Uint8Array>,
	secret: Uint8Array<ArrayBuffer>,
	onHeader?: (header: Header) => void
): ReadableStream<Uint8Array<ArrayBuffer>> {
	const source = new StreamFiller(sealed);
	let header: Header | undefined;
	let keys: RecordKeys | undefined;
	/** The one buffer every record is read into: WebCrypto takes a copy of what it is given. */
	let record = new Uint8Array(0);
	let sequence = 0;
	/** The last record's sequence number, once the sealed bytes have ended. */
	let lastSequence: number | undefined;
	const opening: Opening[] = [];

	async function readHeader(): Promise<Header> {
		let start = await source.fill(new Uint8Array(HEADER_BYTES), 0);
		if (start.filled < HEADER_BYTES) throw new TamperedError('the file was cut short');
		const idBytes = start.buffer[SALT_BYTES + 4]!;
		if (idBytes > 0) {
			const whole = new Uint8Array(HEADER_BYTES + idBytes);
			whole.set(start.buffer);
			start = await source.fill(whole, HEADER_BYTES);
		}
		const read = parseHeader(start.buffer.subarray(0, start.filled));
		if (!read) throw new TamperedError('the file was cut short');
		return read;
	}

	/** Reads the next record and starts opening it, or learns that the last one was read. */
	async function readRecord(recordBytes: number): Promise<void> {
		const read = await source.fill(record, 0);
		record = read.buffer;
		if (read.filled === 0) {
			if (sequence === 0) throw new TamperedError('the file was cut short');
			lastSequence = sequence - 1;
			return;
		}
		// WebCrypto copies its input before decrypt() returns ("get a copy of the bytes held by
		// the data parameter", https://w3c.github.io/webcrypto/#SubtleCrypto-method-decrypt), so
		// the buffer is free for the next record at once.
		const opened = openRecord(keys!, sequence, record.subarray(0, read.filled));
		// Awaited in turn; until then a failure must not count as unhandled.
		opened.catch(() => {});
		opening.push({ sequence, opened });
		// Only the end of the bytes leaves a record short.
		if (read.filled < recordBytes) lastSequence = sequence;
		sequence += 1;
	}

	return new ReadableStream<Uint8Array<ArrayBuffer>>(
		{
			async pull(controller) {
				if (!header) {
					header = await readHeader();
					onHeader?.(header);
					keys = await deriveKeys(secret, header.salt);
					record = new Uint8Array(header.recordBytes);
				}
				const ahead = Math.max(2, Math.floor(OPENING_BYTES / header.recordBytes));
				// Two in flight at least: whether the oldest is the last is known once the one
				// after it, or the end, has been read.
				while (lastSequence === undefined && opening.length < ahead) {
					await readRecord(header.recordBytes);
				}
				const oldest = opening.shift();
				if (!oldest) {
					controller.close();
					return;
				}
				const { plain, isLast } = await oldest.opened;
				if (isLast !== (oldest.sequence === lastSequence)) {
					throw new TamperedError(
						isLast ? 'bytes after the last record' : 'the file was cut short'
					);
				}
				controller.enqueue(plain);
				if (oldest.sequence === lastSequence) controller.close();
			},
			cancel(reason) {
				return source.cancel(reason);
			}
		},
		new ByteLengthQueuingStrategy({ highWaterMark: QUEUED_BYTES })
	);
}
