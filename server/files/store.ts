/**
 * Where upload bytes land: tus's file store, with every byte counted against the upload it
 * belongs to and the disk's free space watched on the way in.
 */
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { finished, type Readable } from 'node:stream';
import { finished as fileWritten } from 'node:stream/promises';
import { FileStore, MemoryConfigstore } from '@tus/file-store';
import type { Upload } from '@tus/server';
import { cancelled, type FileCatalogue } from './catalogue.ts';
import { checkDiskSpace, type Limits } from './limits.ts';
import { RefusalError, tusRefusal, type Refusal } from './refusals.ts';

/**
 * While an upload streams, the disk's free space is measured again after every few megabytes,
 * but at most every so many milliseconds: statfs costs more than the bytes in between.
 */
const DISK_CHECK_BYTES = 4 * 1024 * 1024;
const DISK_CHECK_MIN_INTERVAL_MS = 200;
const WRITE_BATCH_BYTES = 4 * 1024 * 1024;

export interface StoreOptions {
	folder: string;
	limits: Limits;
	catalogue: FileCatalogue;
	freeBytes: (folder: string) => Promise<number>;
}

export class MeteredFileStore extends FileStore {
	readonly #options: StoreOptions;

	constructor(options: StoreOptions) {
		super({ directory: options.folder, configstore: new MemoryConfigstore() });
		this.#options = options;
		options.catalogue.on('forgotten', (id) => void this.configstore.delete(id));
	}

	override async create(upload: Upload): Promise<Upload> {
		const created = await super.create(upload);
		// Removed (its sender left, say) while the empty file was being made: none may stay.
		if (!this.#options.catalogue.upload(upload.id)) {
			await rm(join(this.#options.folder, upload.id), { force: true });
			throw new RefusalError(cancelled.byUploader);
		}
		return created;
	}

	/**
	 * Streams a body into the stored file, counting every byte against the upload it belongs to
	 * and checking free space as it goes, and resolves with the offset reached. Written here
	 * rather than by FileStore so a refusal reaches the client as itself, and so the file is
	 * written in large batches (a big highWaterMark lets fs.WriteStream gather many socket reads
	 * into one writev).
	 *
	 * Aborting `release` stops taking bytes from `readable` but still writes those already taken
	 * and resolves, leaving the file as long as the offset: how a request that lost its client
	 * makes way for the request resuming the upload.
	 */
	override async write(
		readable: Readable,
		id: string,
		offset: number,
		release?: AbortSignal
	): Promise<number> {
		const { catalogue, limits, folder, freeBytes } = this.#options;
		const upload = catalogue.upload(id);
		if (!upload) throw new RefusalError(cancelled.byUploader);
		let refusal: Refusal | undefined;
		let received = offset;
		let nextDiskCheck = offset + DISK_CHECK_BYTES;
		let lastDiskCheckAt = -Infinity;
		const checkDisk = async () => {
			lastDiskCheckAt = performance.now();
			const free = await freeBytes(folder);
			const diskFull = checkDiskSpace(catalogue.pendingBytes(), free, limits);
			if (diskFull && catalogue.upload(id) === upload) void catalogue.remove(id, diskFull);
		};
		// r+: an upload whose file was deleted meanwhile fails instead of starting anew.
		const file = createWriteStream(upload.path, {
			flags: 'r+',
			start: offset,
			highWaterMark: WRITE_BATCH_BYTES
		});
		// Each socket read is counted and handed to the file right here, as pipe() would hand it,
		// rather than through a Transform: a stream stage costs more per read than the counting,
		// and a busy machine delivers an upload in many small reads.
		let isTaking = true;
		const resume = () => readable.resume();
		const stopTaking = () => {
			if (!isTaking) return;
			isTaking = false;
			readable.off('data', take);
			readable.off('end', letGo);
			file.off('drain', resume);
			readable.pause();
		};
		// Stops taking bytes and finishes writing those taken, which ends the write below.
		const letGo = () => {
			if (!isTaking) return;
			stopTaking();
			file.end();
		};
		function take(chunk: Buffer) {
			received += chunk.length;
			// A body that declares too many bytes is refused before it is read; a chunked one is
			// caught only here, before the extra bytes reach the disk. Nothing more is taken;
			// stop() below ends the write once the upload is gone.
			if (received > upload!.size) {
				stopTaking();
				void catalogue.remove(id, tusRefusal(413, ''));
				return;
			}
			catalogue.progress(upload!, received);
			if (received >= nextDiskCheck) {
				nextDiskCheck = received + DISK_CHECK_BYTES;
				if (performance.now() - lastDiskCheckAt >= DISK_CHECK_MIN_INTERVAL_MS) void checkDisk();
			}
			if (!file.write(chunk)) readable.pause();
		}
		// The answer goes out as soon as the write fails, so it fails only once the file is off
		// the disk: a client told "refused" finds nothing left behind.
		const stop = (why: Refusal) => {
			refusal = why;
			stopTaking();
			void catalogue.whenGone(id).then(() => file.destroy(new RefusalError(why)));
		};
		upload.stop = stop;
		const unwatch = finished(readable, (error) => {
			if (error && !release?.aborted) file.destroy(error);
		});
		readable.on('data', take);
		readable.once('end', letGo);
		file.on('drain', resume);
		readable.resume();
		if (release?.aborted) letGo();
		else release?.addEventListener('abort', letGo, { once: true });
		try {
			await fileWritten(file);
		} catch (error) {
			if (!refusal) throw error;
		} finally {
			stopTaking();
			unwatch();
			release?.removeEventListener('abort', letGo);
			if (upload.stop === stop) upload.stop = undefined;
		}
		// Also when the last bytes arrived while the upload was being removed.
		if (refusal) {
			await catalogue.whenGone(id);
			throw new RefusalError(refusal);
		}
		return received;
	}
}

// tus's constructor makes the folder again, asynchronously, and throws from a callback if that
// fails: a server stopped right after starting would race it and crash. The folder already
// exists (made synchronously before the store), so that step is skipped.
Object.defineProperty(MeteredFileStore.prototype, 'checkOrCreateDirectory', { value: () => {} });
