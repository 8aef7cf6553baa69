/**
 * Hands tus-js-client the sealed bytes instead of the file: its `fileReader` option asks for a
 * source with a size and ranges of bytes, which ./sealed-chunks.ts gives as Blobs read from
 * disk, the next chunk sealed while one is sent. tus asks for a range starting where the
 * server's copy ends, so a resumed upload re-seals from that record, not from the start.
 */
import { SealedChunks } from './sealed-chunks';
import type { SealedSource } from './seal-source';

interface TusFileSource {
	size: number;
	slice(start: number, end: number): Promise<{ value: Blob; done: boolean }>;
	close(): void;
}

export function sealedFileReader(source: SealedSource) {
	return {
		async openFile(_input: unknown, chunkBytes: number): Promise<TusFileSource> {
			const chunks = new SealedChunks(source);
			/** The range after the one just handed out, sealed while that one is sent. */
			let ahead: { start: number; end: number; blob: Promise<Blob> } | undefined;
			return {
				size: source.size,
				async slice(start, end) {
					const value =
						ahead && ahead.start === start && ahead.end === end
							? await ahead.blob
							: await chunks.chunk(start, end);
					ahead = undefined;
					if (end < source.size) {
						const next = Math.min(source.size, end + chunkBytes);
						ahead = { start: end, end: next, blob: chunks.chunk(end, next) };
						// A failure here is met again when tus asks for the range itself.
						ahead.blob.catch(() => {});
					}
					return { value, done: start + value.size >= source.size };
				},
				close() {
					ahead = undefined;
					void chunks.close();
				}
			};
		}
	};
}
