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
			const files = chunkFiles();
			/** The range after the one just handed out, sealed and written while that one is sent. */
			let ahead: { start: number; end: number; blob: Promise<Blob> } | undefined;
			const seal = async (start: number, end: number) =>
				asBlob(await source.slice(start, end), files.name());
			return {
				size: source.size,
				async slice(start, end) {
					const value =
						ahead && ahead.start === start && ahead.end === end
							? await ahead.blob
							: await seal(start, end);
					ahead = undefined;
					if (end < source.size) {
						const next = Math.min(source.size, end + chunkBytes);
						ahead = { start: end, end: next, blob: seal(end, next) };
						// A failure here is met again when tus asks for the range itself.
						ahead.blob.catch(() => {});
					}
					return { value, done: start + value.size >= source.size };
				},
				close() {
					ahead = undefined;
					void files.remove();
				}
			};
		}
	};
}

/**
 * The sealed chunk as a Blob, as a File's slice is (tus-js-client measures what it sends by
 * `.size`; XMLHttpRequest sent a typed array six times slower). Written to the origin's private
 * file system first where there is one: a Blob made from memory keeps its bytes in the
 * browser's blob store until it is garbage collected, which piled up a gigabyte during a 1 GiB
 * upload, while a file's Blob is read from disk as it is sent. Names rotate so the chunk being
 * sent is never the one being written.
 */
const SLOTS = 3;
let nextUpload = 0;

function chunkFiles() {
	const upload = `sealed-upload-${Date.now()}-${nextUpload++}`;
	let next = 0;
	return {
		name: () => `${upload}-${next++ % SLOTS}`,
		async remove() {
			try {
				const folder = await navigator.storage.getDirectory();
				for (let slot = 0; slot < SLOTS; slot++) {
					await folder.removeEntry(`${upload}-${slot}`).catch(() => {});
				}
			} catch {
				// No private file system: nothing was written.
			}
		}
	};
}

async function asBlob(bytes: Uint8Array<ArrayBuffer>, name: string): Promise<Blob> {
	try {
		const folder = await navigator.storage.getDirectory();
		const handle = await folder.getFileHandle(name, { create: true });
		const writable = await handle.createWritable();
		await writable.write(bytes);
		await writable.close();
		return await handle.getFile();
	} catch {
		return new Blob([bytes]);
	}
}
