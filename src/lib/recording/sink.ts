/**
 * Where a recording's chunks go as MediaRecorder hands them over. With the File System Access
 * API (Chromium on desktop) each chunk is written to the file the person chose and let go of,
 * so a long recording costs no memory. Elsewhere the chunks are kept as Blobs and saved as one
 * download at the end: the browser may move large Blobs to disk, but nothing promises it, so a
 * long call recorded on a phone can run out of memory. That is the trade-off of the fallback.
 */

export interface RecordingSink {
	write(chunk: Blob): Promise<void>;
	/** Finishes the file (or starts the download); nothing is kept after. */
	close(): Promise<void>;
	abort(): Promise<void>;
}

interface SaveFilePicker {
	showSaveFilePicker(options: {
		suggestedName: string;
		types: { description: string; accept: Record<string, string[]> }[];
	}): Promise<FileSystemFileHandle>;
}

export function fileNameFor(startedAt: Date, extension: string): string {
	const stamp = startedAt.toISOString().slice(0, 19).replace('T', ' ').replaceAll(':', '-');
	return `Dropcall ${stamp}.${extension}`;
}

export function hasFilePicker(): boolean {
	return typeof (window as unknown as Partial<SaveFilePicker>).showSaveFilePicker === 'function';
}

/**
 * Asks where to save, so it must run straight from the click (the picker needs a user
 * gesture). Undefined when the person cancels the picker.
 */
export async function fileSink(
	name: string,
	mimeType: string,
	description: string
): Promise<RecordingSink | undefined> {
	const extension = name.slice(name.lastIndexOf('.'));
	let handle: FileSystemFileHandle;
	try {
		handle = await (window as unknown as SaveFilePicker).showSaveFilePicker({
			suggestedName: name,
			types: [{ description, accept: { [mimeType.split(';')[0]!]: [extension] } }]
		});
	} catch {
		return undefined;
	}
	const writable = await handle.createWritable();
	// Chunks arrive every second; writes are chained so they land in order.
	let writing = Promise.resolve();
	return {
		write: (chunk) => (writing = writing.then(() => writable.write(chunk))),
		close: async () => {
			await writing;
			await writable.close();
		},
		abort: async () => {
			await writing.catch(() => {});
			await writable.abort();
		}
	};
}

export function blobSink(name: string, mimeType: string): RecordingSink {
	let chunks: Blob[] = [];
	return {
		write: async (chunk) => void chunks.push(chunk),
		close: async () => {
			const url = URL.createObjectURL(new Blob(chunks, { type: mimeType.split(';')[0] }));
			chunks = [];
			const link = document.createElement('a');
			link.href = url;
			link.download = name;
			link.click();
			// The download has taken its copy once the click is handled.
			setTimeout(() => URL.revokeObjectURL(url), 60_000);
		},
		abort: async () => {
			chunks = [];
		}
	};
}
