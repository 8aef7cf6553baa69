/**
 * Hands tus-js-client the sealed bytes instead of the file: its `fileReader` option asks for a
 * source with a size and ranges of bytes, which SealedSource gives without ever holding more
 * than one chunk. tus asks for a range starting where the server's copy ends, so a resumed
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
		async openFile(): Promise<TusFileSource> {
			return {
				size: source.size,
				async slice(start, end) {
					// A Blob: tus-js-client measures what it sends by `.size`, as with a File's slices.
					const value = new Blob([await source.slice(start, end)]);
					return { value, done: start + value.size >= source.size };
				},
				close() {
					// Nothing held open: every slice reads the file afresh.
				}
			};
		}
	};
}
