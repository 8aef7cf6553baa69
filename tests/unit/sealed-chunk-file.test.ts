/**
 * A chunk's file is written over the chunk before it (./sealed-chunks.ts uses two in turn), so
 * a chunk shorter than the last one written there must not keep that one's tail.
 */
import { describe, expect, it } from 'vitest';
import { writeSealedRange, type ChunkFileHandle } from '../../src/lib/files/sealed/chunk-file';
import { deriveKeys } from '../../src/lib/files/sealed/records';
import { SealedSource } from '../../src/lib/files/sealed/seal-source';
import { perRecord, RECORD_BYTES, salt, secret } from './sealed-fixtures';

/** A file in memory with a synchronous handle's writes at offsets and truncation. */
class MemoryFile implements ChunkFileHandle {
	bytes = new Uint8Array(0);

	write(data: AllowSharedBufferSource, options?: { at?: number }): number {
		const from = new Uint8Array(ArrayBuffer.isView(data) ? data.buffer : data).subarray(
			ArrayBuffer.isView(data) ? data.byteOffset : 0,
			ArrayBuffer.isView(data) ? data.byteOffset + data.byteLength : undefined
		);
		const at = options?.at ?? 0;
		if (at + from.length > this.bytes.length) this.truncate(at + from.length);
		this.bytes.set(from, at);
		return from.length;
	}

	truncate(size: number): void {
		const next = new Uint8Array(size);
		next.set(this.bytes.subarray(0, size));
		this.bytes = next;
	}

	flush(): void {}
}

describe('a chunk file written over the last chunk', () => {
	it('holds exactly its own range, whether longer or shorter than what it held', async () => {
		const plain = new Uint8Array(5 * perRecord + 100).map((_, i) => (i * 7) & 0xff);
		const keys = await deriveKeys(secret, salt);
		const source = new SealedSource(new Blob([plain]), keys, salt, RECORD_BYTES);
		const sealed = await source.slice(0, source.size);
		const chunkBytes = 3 * RECORD_BYTES;
		const file = new MemoryFile();

		await writeSealedRange(file, source, 0, chunkBytes);
		expect(Buffer.from(file.bytes).equals(Buffer.from(sealed.subarray(0, chunkBytes)))).toBe(true);
		// The file's last chunk, shorter, over the first.
		await writeSealedRange(file, source, chunkBytes, source.size);
		expect(file.bytes.length).toBe(source.size - chunkBytes);
		expect(Buffer.from(file.bytes).equals(Buffer.from(sealed.subarray(chunkBytes)))).toBe(true);
		// And a full chunk again over the short one.
		await writeSealedRange(file, source, 0, chunkBytes);
		expect(Buffer.from(file.bytes).equals(Buffer.from(sealed.subarray(0, chunkBytes)))).toBe(true);
	});
});
