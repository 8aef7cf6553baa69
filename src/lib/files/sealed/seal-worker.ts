/// <reference lib="webworker" />
/**
 * The sealing worker: seals a range of a file's sealed bytes straight into a file in the
 * origin's private file system, through a synchronous access handle, and answers with that
 * file. The page then sends it as tus's next chunk without ever holding its bytes: neither the
 * plaintext nor the sealed chunk passes through the page's thread or its heap, and a
 * synchronous handle writes into the disk's cache at memory speed where the page's
 * `createWritable` went through the browser process record by record (the sealed upload ran at
 * a third of the plain one's speed, and its chunks grew the browser by hundreds of MiB).
 */
import type { RecordKeys } from './records';
import { writeSealedRange } from './chunk-file';
import { SealedSource } from './seal-source';

export interface SealRequest {
	id: number;
	file: Blob;
	keys: RecordKeys;
	salt: Uint8Array<ArrayBuffer>;
	recordBytes: number;
	start: number;
	end: number;
	/** The private file system's file the sealed range is written to, whatever it held. */
	into: string;
}

export type SealAnswer = { id: number; chunk: File } | { id: number; error: string };

declare let self: DedicatedWorkerGlobalScope;

/** One range at a time, as the page asks for them: a file has one synchronous handle at once. */
let queue: Promise<void> = Promise.resolve();

self.addEventListener('message', (event: MessageEvent<SealRequest>) => {
	const request = event.data;
	queue = queue.then(async () => {
		try {
			self.postMessage({ id: request.id, chunk: await seal(request) } satisfies SealAnswer);
		} catch (error) {
			self.postMessage({ id: request.id, error: String(error) } satisfies SealAnswer);
		}
	});
});

async function seal(request: SealRequest): Promise<File> {
	const { file, keys, salt, recordBytes, start, end, into } = request;
	const folder = await navigator.storage.getDirectory();
	const handle = await folder.getFileHandle(into, { create: true });
	const access = await handle.createSyncAccessHandle();
	try {
		await writeSealedRange(access, new SealedSource(file, keys, salt, recordBytes), start, end);
	} finally {
		access.close();
	}
	return handle.getFile();
}
