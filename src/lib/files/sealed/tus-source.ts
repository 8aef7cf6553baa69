/**
 * Hands tus-js-client the sealed bytes instead of the file: its `fileReader` option asks for a
 * source with a size and ranges of bytes, which SealedSource gives holding no more than the
 * chunk being sent and the next, sealed meanwhile. tus asks for a range starting where the server's copy ends, so a resumed
 * upload re-seals from that record, not from the start.
 */
import type { SealedSource } from './seal-source';

interface TusFileSource {
	size: number;
	slice(start: number, end: number): Promise<{ value: Blob; done: boolean }>;
	close(): void;
}

export function sealedFileReader(source: SealedSource) {
	return {
		async openFile(_input: unknown, chunkBytes: number): Promise<TusFileSource> {
			/** The range after the one just handed out, sealed while that one is being sent. */
			let ahead:
				{ start: number; end: number; bytes: Promise<Uint8Array<ArrayBuffer>> } | undefined;
			const sealAhead = (start: number, end: number) => {
				const bytes = source.slice(start, end);
				// A failure here is met again when tus asks for the range itself.
				bytes.catch(() => {});
				ahead = { start, end, bytes };
			};
			return {
				size: source.size,
				async slice(start, end) {
					const bytes =
						ahead && ahead.start === start && ahead.end === end
							? await ahead.bytes
							: await source.slice(start, end);
					ahead = undefined;
					if (end < source.size) sealAhead(end, Math.min(source.size, end + chunkBytes));
					// A Blob, as a File's slice is: tus-js-client measures what it sends by `.size`,
					// and XMLHttpRequest sent a typed array six times slower here (Chromium 156).
					const value = new Blob([bytes]);
					return { value, done: start + value.size >= source.size };
				},
				close() {
					ahead = undefined;
				}
			};
		}
	};
}
