import { describe, expect, it } from 'vitest';
import { fromBase64Url, toBase64Url } from '../../src/lib/files/sealed/base64url';
import { openBytes, sealBytes } from '../../src/lib/files/sealed/message';
import {
	deriveKeys,
	encodeHeader,
	HEADER_BYTES,
	openRecord,
	plainBytesOf,
	MAX_RECORD_BYTES,
	plainBytesPerRecord,
	RECORD_BYTES as NEW_RECORD_BYTES,
	recordNonce,
	sealedBytes,
	sealRecord,
	TamperedError
} from '../../src/lib/files/sealed/records';
import { SealedSource } from '../../src/lib/files/sealed/seal-source';
import { sealedFileReader } from '../../src/lib/files/sealed/tus-source';
import { openInChunks, perRecord, RECORD_BYTES, salt, secret } from './sealed-fixtures';

// Most tests seal 64 KiB records (sealed-fixtures.ts): the format is the same at any size.

/** Deterministic bytes, different in every record, so a moved record is a changed one. */
function bytes(length: number): Uint8Array<ArrayBuffer> {
	const out = new Uint8Array(length);
	for (let i = 0; i < length; i++) out[i] = (i * 31 + (i >> 8)) & 0xff;
	return out;
}

async function sealWhole(plain: Uint8Array<ArrayBuffer>, recordBytes = RECORD_BYTES) {
	const source = new SealedSource(
		new Blob([plain]),
		await deriveKeys(secret, salt),
		salt,
		recordBytes
	);
	return source.slice(0, source.size);
}

describe('the sealed record format (RFC 8188 aes128gcm)', () => {
	it('derives the key and nonce of RFC 8188 §3.1 and gives its ciphertext', async () => {
		const keys = await deriveKeys(secret, salt);
		// The RFC's intermediate NONCE, and its CEK checked through a record sealed with it.
		expect(toBase64Url(keys.baseNonce)).toBe('Bcs8gkIRKLI8GeI8');
		const record = await sealRecord(keys, 0, new TextEncoder().encode('I am the walrus'), true);
		const message = new Uint8Array([...encodeHeader(salt, 4096), ...record]);
		expect(toBase64Url(message)).toBe(
			'I1BsxtFttlv3u_Oo94xnmwAAEAAA-NAVub2qFgBEuQKRapoZu-IxkIva3MEB1PD-ly8Thjg'
		);
	});

	it('opens the RFC vector, whatever record size its header says', async () => {
		const vector = fromBase64Url(
			'I1BsxtFttlv3u_Oo94xnmwAAEAAA-NAVub2qFgBEuQKRapoZu-IxkIva3MEB1PD-ly8Thjg'
		);
		expect(new TextDecoder().decode(await openBytes(secret, vector))).toBe('I am the walrus');
	});

	it('pins a multi-record file: the same key, salt and plaintext give the same bytes', async () => {
		const sealed = await sealWhole(bytes(2 * perRecord + 5));
		expect(sealed.length).toBe(sealedBytes(2 * perRecord + 5, RECORD_BYTES));
		expect(sealed.length).toBe(HEADER_BYTES + 2 * RECORD_BYTES + 5 + 17);
		// Computed once with this code after it matched the RFC vector above; pins the record
		// layout (full records, the short last one, the nonce XOR sequence) against change.
		const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', sealed));
		expect(toBase64Url(digest)).toMatchInlineSnapshot(
			`"ZHFxhu5qV_2jaP4CEUJymfbLw1N5ndfBi56_mVe5r_0"`
		);
	});

	it('pins a file of the record size new files are sealed with, which opens too', async () => {
		const perNewRecord = plainBytesPerRecord(NEW_RECORD_BYTES);
		const plain = bytes(2 * perNewRecord + 5);
		const sealed = await sealWhole(plain, NEW_RECORD_BYTES);
		expect(NEW_RECORD_BYTES).toBe(256 * 1024);
		expect(sealed.length).toBe(sealedBytes(plain.length));
		expect(sealed.length).toBe(HEADER_BYTES + 2 * NEW_RECORD_BYTES + 5 + 17);
		expect(new DataView(sealed.buffer).getUint32(16)).toBe(NEW_RECORD_BYTES);
		// Computed once with this code, whose 64 KiB files match the pinned digest above.
		const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', sealed));
		expect(toBase64Url(digest)).toMatchInlineSnapshot(
			`"s4KZqQEqCmFaVsLbpd1PeFGvtnsF5nom2veKiP2DpvI"`
		);
		const opened = await openInChunks(sealed, 100_000);
		expect(Buffer.from(opened).equals(Buffer.from(plain))).toBe(true);
	});

	it('refuses a header whose record size would make a reader hold too much', async () => {
		const sealed = await sealWhole(bytes(1000));
		for (const recordBytes of [MAX_RECORD_BYTES + 1, 2 ** 32 - 1, 17]) {
			const lying = sealed.slice();
			new DataView(lying.buffer).setUint32(16, recordBytes);
			await expect(openInChunks(lying, 4096), `${recordBytes}`).rejects.toThrow(TamperedError);
		}
	});

	it('round-trips sizes around record boundaries, in any chunking', async () => {
		for (const size of [0, 1, perRecord - 1, perRecord, perRecord + 1, 3 * perRecord]) {
			const plain = bytes(size);
			const sealed = await sealWhole(plain);
			expect(
				plainBytesOf(sealed.length, { salt, recordBytes: RECORD_BYTES, headerBytes: HEADER_BYTES })
			).toBe(size);
			for (const chunk of [1000, 7, RECORD_BYTES + 3]) {
				if (size > perRecord && chunk === 7) continue; // slow, and adds nothing past one record
				expect(await openInChunks(sealed, chunk)).toEqual(plain);
			}
		}
	});

	it('gives each record its own nonce: the base nonce XOR the sequence number', () => {
		const base = fromBase64Url('Bcs8gkIRKLI8GeI8');
		expect(toBase64Url(recordNonce(base, 0))).toBe('Bcs8gkIRKLI8GeI8');
		const second = recordNonce(base, 1);
		expect(second[11]).toBe(base[11]! ^ 1);
		expect(second.subarray(0, 11)).toEqual(base.subarray(0, 11));
		expect(recordNonce(base, 2 ** 32)[7]).toBe(base[7]! ^ 1);
	});

	it('refuses a changed byte anywhere: header, body or tag', async () => {
		const sealed = await sealWhole(bytes(perRecord + 100));
		for (const at of [
			0,
			17,
			HEADER_BYTES + 10,
			HEADER_BYTES + RECORD_BYTES - 1,
			sealed.length - 1
		]) {
			const changed = sealed.slice();
			changed[at]! ^= 0x01;
			await expect(openInChunks(changed, 4096), `byte ${at}`).rejects.toThrow();
		}
	});

	it('refuses a file cut short, even exactly at a record boundary', async () => {
		const sealed = await sealWhole(bytes(2 * perRecord + 10));
		await expect(openInChunks(sealed.slice(0, HEADER_BYTES + RECORD_BYTES), 8192)).rejects.toThrow(
			TamperedError
		);
		await expect(openInChunks(sealed.slice(0, sealed.length - 1), 8192)).rejects.toThrow(
			TamperedError
		);
		await expect(openInChunks(sealed.slice(0, HEADER_BYTES), 8192)).rejects.toThrow(TamperedError);
		await expect(openInChunks(sealed.slice(0, 5), 8192)).rejects.toThrow(TamperedError);
	});

	it('refuses records swapped or repeated, and bytes after the last record', async () => {
		const sealed = await sealWhole(bytes(3 * perRecord));
		const record = (i: number) =>
			sealed.slice(HEADER_BYTES + i * RECORD_BYTES, HEADER_BYTES + (i + 1) * RECORD_BYTES);
		const header = sealed.slice(0, HEADER_BYTES);
		const swapped = new Uint8Array([...header, ...record(1), ...record(0), ...record(2)]);
		await expect(openInChunks(swapped, 65536)).rejects.toThrow(TamperedError);
		const repeated = new Uint8Array([
			...header,
			...record(0),
			...record(0),
			...record(1),
			...record(2)
		]);
		await expect(openInChunks(repeated, 65536)).rejects.toThrow(TamperedError);
		const extended = new Uint8Array([...sealed, ...record(2)]);
		await expect(openInChunks(extended, 65536)).rejects.toThrow(TamperedError);
	});

	it('refuses a record opened with another sequence number or another secret', async () => {
		const keys = await deriveKeys(secret, salt);
		const record = await sealRecord(keys, 3, bytes(100), false);
		await expect(openRecord(keys, 4, record)).rejects.toThrow(TamperedError);
		expect((await openRecord(keys, 3, record)).plain).toEqual(bytes(100));
		const other = await deriveKeys(new Uint8Array(16), salt);
		await expect(openRecord(other, 3, record)).rejects.toThrow(TamperedError);
	});

	it('resumes at any offset with the very bytes a whole pass gives', async () => {
		const plain = bytes(3 * perRecord + 1234);
		const whole = await sealWhole(plain);
		const source = new SealedSource(
			new Blob([plain]),
			await deriveKeys(secret, salt),
			salt,
			RECORD_BYTES
		);
		// The record boundary itself, inside the header, and mid-record (a cut-off PATCH).
		for (const offset of [HEADER_BYTES + RECORD_BYTES, 10, HEADER_BYTES + RECORD_BYTES + 777]) {
			const rest = await source.slice(offset, source.size);
			expect(rest).toEqual(whole.subarray(offset));
		}
		// Chunks that do not line up with records join up to the whole.
		const pieces: Uint8Array[] = [];
		for (let at = 0; at < source.size; at += 50_000)
			pieces.push(await source.slice(at, at + 50_000));
		expect(new Uint8Array(pieces.flatMap((piece) => [...piece]))).toEqual(whole);
	});

	it('seals small messages with a fresh salt each time', async () => {
		const plain = new TextEncoder().encode('{"name":"notes.txt"}');
		const once = await sealBytes(secret, plain);
		const twice = await sealBytes(secret, plain);
		expect(once).not.toEqual(twice);
		expect(await openBytes(secret, once)).toEqual(plain);
		await expect(openBytes(new Uint8Array(16), once)).rejects.toThrow(TamperedError);
	});

	it('hands tus the sealed bytes chunk by chunk, sealing ahead, and resumes anywhere', async () => {
		const plain = bytes(3 * perRecord + 999);
		const whole = await sealWhole(plain);
		const source = new SealedSource(
			new Blob([plain]),
			await deriveKeys(secret, salt),
			salt,
			RECORD_BYTES
		);
		const reader = await sealedFileReader(source).openFile(undefined, 50_000);
		expect(reader.size).toBe(whole.length);
		const pieces: number[] = [];
		for (let at = 0; ; at += 50_000) {
			const { value, done } = await reader.slice(at, Math.min(reader.size, at + 50_000));
			pieces.push(...new Uint8Array(await value.arrayBuffer()));
			if (done) break;
		}
		expect(new Uint8Array(pieces)).toEqual(whole);
		// A resume asks for a range other than the one sealed ahead.
		const resumed = await reader.slice(123_456, 173_456);
		expect(new Uint8Array(await resumed.value.arrayBuffer())).toEqual(
			whole.subarray(123_456, 173_456)
		);
	});
});
