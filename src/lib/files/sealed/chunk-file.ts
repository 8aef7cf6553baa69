/**
 * Writes a range of a file's sealed bytes into a chunk's file through a synchronous handle, the
 * file left holding exactly that range whatever it held before. Chunk files are used in turn
 * (./sealed-chunks.ts), so each write goes over an earlier chunk.
 */
import type { SealedSource } from './seal-source';

/** What of a FileSystemSyncAccessHandle the write needs. */
export type ChunkFileHandle = Pick<FileSystemSyncAccessHandle, 'write' | 'truncate' | 'flush'>;

export async function writeSealedRange(
	access: ChunkFileHandle,
	source: SealedSource,
	start: number,
	end: number
): Promise<void> {
	for await (const { at, bytes } of source.pieces(start, end)) {
		let written = 0;
		while (written < bytes.length) {
			written += access.write(bytes.subarray(written), { at: at - start + written });
		}
	}
	// Cut to size only now: emptying the file first gave its blocks back to the disk, and the
	// next chunk's writes took them again (40–75 ms of a 32 MiB chunk's, against 3–9 ms).
	access.truncate(Math.max(0, Math.min(end, source.size) - start));
	access.flush();
}
