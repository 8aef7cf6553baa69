/**
 * tus's chunks of a sealed upload as Blobs read from disk: sealed by ./seal-worker.ts into files
 * in the origin's private file system where the browser can (a worker with synchronous file
 * handles: Chromium, Firefox, Safari 15.2+), else sealed on the page and written there through
 * `createWritable`, else, with no private file system at all, kept in memory.
 *
 * Why files: tus-js-client measures what it sends by `.size`, so a chunk must be a Blob
 * (XMLHttpRequest sent a typed array six times slower), and a Blob made from memory keeps its
 * bytes in the browser's blob store until it is garbage collected, which piled up a gigabyte
 * during a 1 GiB upload, while a file's Blob is read from disk as it is sent.
 */
import type { SealAnswer, SealRequest } from './seal-worker';
import type { SealedSource } from './seal-source';

/**
 * Files each upload writes its chunks to, in turn. Two suffice: tus asks for the next chunk
 * only once the server has answered for the one before, so the chunk sealed ahead never
 * overwrites a chunk still being sent. (In a private window they are held in memory.)
 */
const SLOTS = 2;
let nextUpload = 0;

export class SealedChunks {
	readonly #source: SealedSource;
	readonly #upload = `sealed-upload-${Date.now()}-${nextUpload++}`;
	#nextSlot = 0;
	#worker: Worker | undefined;
	readonly #waiting = new Map<number, (answer: SealAnswer) => void>();
	#nextRequest = 0;
	#previous: Promise<void> = Promise.resolve();

	constructor(source: SealedSource) {
		this.#source = source;
		this.#worker = startWorker();
		this.#worker?.addEventListener('message', (event: MessageEvent<SealAnswer>) => {
			this.#waiting.get(event.data.id)?.(event.data);
			this.#waiting.delete(event.data.id);
		});
		// The worker's script did not load (a policy, say): every chunk is sealed here instead.
		this.#worker?.addEventListener('error', () => this.#stopWorker());
	}

	/**
	 * The sealed bytes from `start` up to `end` (exclusive), as a Blob tus can send. Chunks are
	 * made one after another: with two files in turn, a chunk asked for again (a resume) while
	 * one is sealed ahead would otherwise be written into the file that one is still writing.
	 */
	chunk(start: number, end: number): Promise<Blob> {
		const made = this.#previous.then(() => this.#make(start, end));
		this.#previous = made.then(
			() => {},
			() => {}
		);
		return made;
	}

	async #make(start: number, end: number): Promise<Blob> {
		const into = `${this.#upload}-${this.#nextSlot++ % SLOTS}`;
		if (this.#worker) {
			const answer = await this.#inWorker({ start, end, into });
			if ('chunk' in answer) return answer.chunk;
			// No synchronous handles here, or the private file system refused: sealed on the page
			// from now on, which says for itself if the file cannot be read at all.
			this.#stopWorker();
		}
		return onPage(await this.#source.slice(start, end), into);
	}

	/** Ends the worker once it has finished, and removes the chunks' files. */
	async close(): Promise<void> {
		// A file still open in the worker cannot be removed: the chunk being made finishes first.
		await this.#previous;
		this.#worker?.terminate();
		this.#worker = undefined;
		try {
			const folder = await navigator.storage.getDirectory();
			for (let slot = 0; slot < SLOTS; slot++) {
				await folder.removeEntry(`${this.#upload}-${slot}`).catch(() => {});
			}
		} catch {
			// No private file system: nothing was written.
		}
	}

	#inWorker(range: Pick<SealRequest, 'start' | 'end' | 'into'>): Promise<SealAnswer> {
		const id = this.#nextRequest++;
		const { file, keys, salt, recordBytes } = this.#source;
		return new Promise((resolve) => {
			this.#waiting.set(id, resolve);
			try {
				this.#worker!.postMessage({
					id,
					file,
					keys,
					salt,
					recordBytes,
					...range
				} satisfies SealRequest);
			} catch (error) {
				// A browser that cannot hand a key or a file to a worker.
				this.#waiting.delete(id);
				resolve({ id, error: String(error) });
			}
		});
	}

	#stopWorker(): void {
		this.#worker?.terminate();
		this.#worker = undefined;
		for (const [id, answer] of this.#waiting) answer({ id, error: 'the worker stopped' });
		this.#waiting.clear();
	}
}

function startWorker(): Worker | undefined {
	if (typeof Worker === 'undefined') return undefined;
	try {
		return new Worker(new URL('./seal-worker.ts', import.meta.url), { type: 'module' });
	} catch {
		return undefined;
	}
}

async function onPage(bytes: Uint8Array<ArrayBuffer>, name: string): Promise<Blob> {
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
