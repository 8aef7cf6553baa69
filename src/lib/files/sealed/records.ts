/**
 * The sealed file format: RFC 8188's aes128gcm content coding, followed exactly so its test
 * vector checks our key and nonce derivation (https://www.rfc-editor.org/rfc/rfc8188).
 *
 *   header  = salt (16) | record size (uint32, big-endian) | key id length (1) | key id
 *   records = AES-GCM-128(plaintext | delimiter | padding), each `recordBytes` long but the last
 *
 * The content key and base nonce come from HKDF-SHA-256 over the room secret and the file's own
 * random salt, so every file has its own key. Record i's nonce is the base nonce XOR i, so a
 * record moved elsewhere fails to open; the last record alone ends in 2 (others in 1), so a
 * file cut at a record boundary fails too. WebCrypto does all the cryptography.
 */

export const SALT_BYTES = 16;
/** AES-GCM's tag, and the one delimiter byte each record spends. */
const TAG_BYTES = 16;
const DELIMITER_BYTES = 1;
/** A header with an empty key id: the room secret is the only key there is. */
export const HEADER_BYTES = SALT_BYTES + 4 + 1;
/**
 * The record size new files are sealed with: 256 KiB. Firefox Send's 64 KiB made WebCrypto's
 * cost per call a large part of the CPU a sealed transfer took in Chromium (one call per record,
 * on one thread); records of a megabyte sealed at half the speed of 64 to 512 KiB ones in
 * Chromium 156 (each answer is a new buffer, and ones that big cost more to make). Files sealed
 * with other sizes still open: the header says the size, and readers take it from there.
 */
export const RECORD_BYTES = 256 * 1024;
/**
 * The largest record a reader accepts from a header, which anyone who can write to the server's
 * disk controls: it bounds what one record (and so one batch of them) makes a reader hold.
 */
export const MAX_RECORD_BYTES = 4 * 1024 * 1024;

const RECORD_DELIMITER = 1;
const LAST_RECORD_DELIMITER = 2;

const encoder = new TextEncoder();
const keyInfo = encoder.encode('Content-Encoding: aes128gcm\0');
const nonceInfo = encoder.encode('Content-Encoding: nonce\0');

/** The file was changed, cut short or reordered after it was sealed: its bytes cannot be trusted. */
export class TamperedError extends Error {
	constructor(why: string) {
		super(`Sealed file does not open: ${why}`);
		this.name = 'TamperedError';
	}
}

export interface RecordKeys {
	key: CryptoKey;
	baseNonce: Uint8Array<ArrayBuffer>;
}

export interface Header {
	salt: Uint8Array<ArrayBuffer>;
	recordBytes: number;
	/** Where the first record starts. */
	headerBytes: number;
}

/** Plaintext bytes each full record carries. */
export function plainBytesPerRecord(recordBytes: number): number {
	return recordBytes - TAG_BYTES - DELIMITER_BYTES;
}

export function recordCount(plainBytes: number, recordBytes = RECORD_BYTES): number {
	return Math.max(1, Math.ceil(plainBytes / plainBytesPerRecord(recordBytes)));
}

/** The size on the server's disk of a file of `plainBytes`: what size limits count. */
export function sealedBytes(plainBytes: number, recordBytes = RECORD_BYTES): number {
	return (
		HEADER_BYTES + plainBytes + recordCount(plainBytes, recordBytes) * (TAG_BYTES + DELIMITER_BYTES)
	);
}

/** The plaintext size of a sealed file of `sealed` bytes (undefined if no file has that size). */
export function plainBytesOf(sealed: number, header: Header): number | undefined {
	const body = sealed - header.headerBytes;
	const full = Math.floor(body / header.recordBytes);
	const rest = body % header.recordBytes;
	const overhead = TAG_BYTES + DELIMITER_BYTES;
	if (rest !== 0 && rest < overhead) return undefined;
	const records = full + (rest === 0 ? 0 : 1);
	if (records === 0) return undefined;
	return body - records * overhead;
}

export async function deriveKeys(
	secret: Uint8Array<ArrayBuffer>,
	salt: Uint8Array<ArrayBuffer>
): Promise<RecordKeys> {
	const subtle = globalThis.crypto.subtle;
	const ikm = await subtle.importKey('raw', secret, 'HKDF', false, ['deriveBits', 'deriveKey']);
	const key = await subtle.deriveKey(
		{ name: 'HKDF', hash: 'SHA-256', salt, info: keyInfo },
		ikm,
		{ name: 'AES-GCM', length: 128 },
		false,
		['encrypt', 'decrypt']
	);
	const nonceBits = await subtle.deriveBits(
		{ name: 'HKDF', hash: 'SHA-256', salt, info: nonceInfo },
		ikm,
		96
	);
	return { key, baseNonce: new Uint8Array(nonceBits) };
}

export function newSalt(): Uint8Array<ArrayBuffer> {
	return globalThis.crypto.getRandomValues(new Uint8Array(SALT_BYTES));
}

export function encodeHeader(
	salt: Uint8Array,
	recordBytes = RECORD_BYTES
): Uint8Array<ArrayBuffer> {
	const header = new Uint8Array(HEADER_BYTES);
	header.set(salt, 0);
	new DataView(header.buffer).setUint32(SALT_BYTES, recordBytes);
	header[SALT_BYTES + 4] = 0;
	return header;
}

/** Reads a header from the start of `bytes`; undefined until enough bytes are there. */
export function parseHeader(bytes: Uint8Array): Header | undefined {
	if (bytes.length < SALT_BYTES + 5) return undefined;
	const recordBytes = new DataView(bytes.buffer, bytes.byteOffset).getUint32(SALT_BYTES);
	const idBytes = bytes[SALT_BYTES + 4]!;
	const headerBytes = SALT_BYTES + 5 + idBytes;
	if (recordBytes < TAG_BYTES + DELIMITER_BYTES + 1) throw new TamperedError('bad record size');
	if (recordBytes > MAX_RECORD_BYTES) throw new TamperedError('record size too large');
	if (bytes.length < headerBytes) return undefined;
	return { salt: bytes.slice(0, SALT_BYTES), recordBytes, headerBytes };
}

/** Base nonce XOR the record's sequence number, as a 96-bit big-endian integer. */
export function recordNonce(baseNonce: Uint8Array, sequence: number): Uint8Array<ArrayBuffer> {
	const nonce = new Uint8Array(baseNonce);
	const view = new DataView(nonce.buffer);
	// Sequence numbers stay below 2^53; the top 4 bytes stay as they are.
	view.setUint32(4, view.getUint32(4) ^ Math.floor(sequence / 2 ** 32));
	view.setUint32(8, view.getUint32(8) ^ (sequence % 2 ** 32));
	return nonce;
}

export async function sealRecord(
	keys: RecordKeys,
	sequence: number,
	plain: Uint8Array,
	isLast: boolean
): Promise<Uint8Array<ArrayBuffer>> {
	const padded = new Uint8Array(plain.length + DELIMITER_BYTES);
	padded.set(plain);
	padded[plain.length] = isLast ? LAST_RECORD_DELIMITER : RECORD_DELIMITER;
	const sealed = await globalThis.crypto.subtle.encrypt(
		{ name: 'AES-GCM', iv: recordNonce(keys.baseNonce, sequence) },
		keys.key,
		padded
	);
	return new Uint8Array(sealed);
}

/**
 * sealRecord for the `length` bytes at the start of `plain`, borrowing the byte after them for
 * the delimiter rather than copying the record to append one. The byte is put back before this
 * returns: WebCrypto copies its input before encrypt() returns (the encrypt method's "get a copy
 * of the bytes held by the data parameter", https://w3c.github.io/webcrypto/#SubtleCrypto-method-encrypt).
 */
export async function sealRecordBefore(
	keys: RecordKeys,
	sequence: number,
	plain: Uint8Array<ArrayBuffer>,
	length: number,
	isLast: boolean
): Promise<Uint8Array<ArrayBuffer>> {
	if (plain.length <= length) throw new RangeError('no byte after the record to borrow');
	const borrowed = plain[length]!;
	plain[length] = isLast ? LAST_RECORD_DELIMITER : RECORD_DELIMITER;
	let sealing: Promise<ArrayBuffer>;
	try {
		sealing = globalThis.crypto.subtle.encrypt(
			{ name: 'AES-GCM', iv: recordNonce(keys.baseNonce, sequence) },
			keys.key,
			plain.subarray(0, length + 1)
		);
	} finally {
		plain[length] = borrowed;
	}
	return new Uint8Array(await sealing);
}

/** The record's plaintext and whether it says it is the last; throws TamperedError if it lies. */
export async function openRecord(
	keys: RecordKeys,
	sequence: number,
	sealed: Uint8Array<ArrayBuffer>
): Promise<{ plain: Uint8Array<ArrayBuffer>; isLast: boolean }> {
	let padded: Uint8Array<ArrayBuffer>;
	try {
		padded = new Uint8Array(
			await globalThis.crypto.subtle.decrypt(
				{ name: 'AES-GCM', iv: recordNonce(keys.baseNonce, sequence) },
				keys.key,
				sealed
			)
		);
	} catch {
		throw new TamperedError(`record ${sequence} fails its tag`);
	}
	// Padding is zeros after the delimiter (RFC 8188 §2); we never add any, but may read some.
	let end = padded.length - 1;
	while (end >= 0 && padded[end] === 0) end--;
	const delimiter = padded[end];
	if (delimiter !== RECORD_DELIMITER && delimiter !== LAST_RECORD_DELIMITER) {
		throw new TamperedError(`record ${sequence} has no delimiter`);
	}
	return { plain: padded.subarray(0, end), isLast: delimiter === LAST_RECORD_DELIMITER };
}
