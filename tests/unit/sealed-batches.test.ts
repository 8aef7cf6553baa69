/**
 * Sealed files of many records: sealed a batch at a time (in a worker, into a chunk's file) and
 * opened several batches at once on their way to disk. The batching must not show in the
 * bytes: the same file as sealing record by record gives, and every kind of tampering caught
 * wherever it falls among the batches.
 */
import { describe, expect, it } from 'vitest';
import {
	deriveKeys,
	encodeHeader,
	HEADER_BYTES,
	sealRecord,
	sealRecordBefore,
	TamperedError
} from '../../src/lib/files/sealed/records';
import { SealedSource } from '../../src/lib/files/sealed/seal-source';
import { openInChunks, perRecord, RECORD_BYTES, salt, secret } from './sealed-fixtures';

// Batches are counted in bytes (8 MiB sealed at once, 4 MiB opened ahead), so 64 KiB records
// make many to a batch at little cost to the test.
/** More records than one sealing batch (128) and than are opened ahead at once (64). */
const RECORDS = 131;

/** Deterministic bytes, different in every record. */
function bytes(length: number): Uint8Array<ArrayBuffer> {
	const out = new Uint8Array(length);
	for (let i = 0; i < length; i++) out[i] = (i * 31 + (i >> 8) + (i >> 16)) & 0xff;
	return out;
}

/** The file sealed the plain way, one record at a time, each copied to append its delimiter. */
async function sealedRecordByRecord(plain: Uint8Array<ArrayBuffer>) {
	const keys = await deriveKeys(secret, salt);
	const count = Math.max(1, Math.ceil(plain.length / perRecord));
	const parts: Uint8Array<ArrayBuffer>[] = [encodeHeader(salt, RECORD_BYTES)];
	for (let i = 0; i < count; i++) {
		const part = plain.subarray(i * perRecord, (i + 1) * perRecord);
		parts.push(await sealRecord(keys, i, part, i === count - 1));
	}
	return new Uint8Array(await new Blob(parts).arrayBuffer());
}

/**
 * Where two byte arrays first differ, or -1: toEqual compares megabytes element by element,
 * minutes on a busy machine.
 */
function firstDifference(actual: Uint8Array, expected: Uint8Array): number {
	if (Buffer.from(actual).equals(Buffer.from(expected))) return -1;
	const length = Math.min(actual.length, expected.length);
	for (let i = 0; i < length; i++) if (actual[i] !== expected[i]) return i;
	return length;
}

const record = (sealed: Uint8Array, i: number) =>
	sealed.subarray(HEADER_BYTES + i * RECORD_BYTES, HEADER_BYTES + (i + 1) * RECORD_BYTES);

describe('sealing in batches', () => {
	it('borrows the byte after a record for its delimiter, and puts it back', async () => {
		const keys = await deriveKeys(secret, salt);
		const plain = bytes(1001);
		const before = plain.slice();
		const borrowed = await sealRecordBefore(keys, 7, plain, 1000, false);
		expect(borrowed).toEqual(await sealRecord(keys, 7, plain.subarray(0, 1000), false));
		expect(plain).toEqual(before);
		await expect(sealRecordBefore(keys, 7, plain, 1001, true)).rejects.toThrow(RangeError);
	});

	it('gives the bytes that sealing record by record gives, whatever the range', async () => {
		const plain = bytes(RECORDS * perRecord - 12_345);
		const expected = await sealedRecordByRecord(plain);
		const source = new SealedSource(
			new Blob([plain]),
			await deriveKeys(secret, salt),
			salt,
			RECORD_BYTES
		);
		expect(source.size).toBe(expected.length);
		expect(firstDifference(await source.slice(0, source.size), expected)).toBe(-1);
		// Ranges that start and end inside records, across a batch's end, as tus chunks do.
		const edge = HEADER_BYTES + 128 * RECORD_BYTES;
		for (const [start, end] of [
			[5, 3 * RECORD_BYTES],
			[edge - 1000, edge + 1000],
			[edge, source.size]
		] as const) {
			const slice = await source.slice(start, end);
			expect(firstDifference(slice, expected.subarray(start, end)), `${start}-${end}`).toBe(-1);
		}
	});

	it('never holds more than one batch while it seals a range', async () => {
		const plain = bytes(RECORDS * perRecord);
		const source = new SealedSource(
			new Blob([plain]),
			await deriveKeys(secret, salt),
			salt,
			RECORD_BYTES
		);
		let largest = 0;
		let next = 0;
		for await (const { at, bytes: piece } of source.pieces(0, source.size)) {
			expect(at).toBe(next);
			next = at + piece.length;
			largest = Math.max(largest, piece.length);
		}
		expect(next).toBe(source.size);
		expect(largest).toBeLessThanOrEqual(8 * 1024 * 1024);
	});
});

describe('opening many batches at once', () => {
	it('opens the whole file in order, in any chunking', async () => {
		const plain = bytes(RECORDS * perRecord + 77);
		const sealed = await sealedRecordByRecord(plain);
		for (const chunkBytes of [RECORD_BYTES + 3, 1024 * 1024, sealed.length]) {
			const opening = await openInChunks(sealed, chunkBytes);
			expect(firstDifference(opening, plain), `chunks of ${chunkBytes}`).toBe(-1);
		}
	});

	it('refuses a changed byte, a swap or a cut in a batch far from the first', async () => {
		const sealed = await sealedRecordByRecord(bytes(RECORDS * perRecord));
		const changed = sealed.slice();
		changed[HEADER_BYTES + 100 * RECORD_BYTES + 50]! ^= 0x01;
		const swapped = sealed.slice();
		swapped.set(record(sealed, 71), HEADER_BYTES + 70 * RECORD_BYTES);
		swapped.set(record(sealed, 70), HEADER_BYTES + 71 * RECORD_BYTES);
		const cut = sealed.slice(0, HEADER_BYTES + 120 * RECORD_BYTES);
		for (const [what, spoilt] of Object.entries({ changed, swapped, cut })) {
			await expect(openInChunks(spoilt, 100_000), what).rejects.toThrow(TamperedError);
		}
	});
});
