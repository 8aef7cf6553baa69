/**
 * tus PATCH (https://tus.io/protocols/resumable-upload#patch), the request that carries an
 * upload's bytes, answered here rather than by @tus/server: tus turns the Node request into a web
 * stream and back, which costs far more CPU per byte than piping it to the file. The checks are
 * @tus/server's PatchHandler's, answered as tus 1.0 says where tus strays from it (415 for a
 * wrong Content-Type, 412 for another protocol version); the lock is the one tus's HEAD takes.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Locker } from '@tus/server';
import type { FileCatalogue } from './catalogue.ts';
import { RefusalError, sendRefusal, tusRefusal, type Refusal } from './refusals.ts';
import type { MeteredFileStore } from './store.ts';

const TUS_VERSION = '1.0.0';
const OFFSET_CONTENT_TYPE = 'application/offset+octet-stream';

export interface PatchOptions {
	store: MeteredFileStore;
	locker: Locker;
	catalogue: FileCatalogue;
	/** Turns a fully received upload into a shared file; throws a RefusalError if it cannot. */
	finish: (id: string) => void;
}

export type PatchHandler = (
	request: IncomingMessage,
	response: ServerResponse,
	id: string
) => Promise<void>;

/** A whole non-negative decimal integer, as tus 1.0 defines Upload-Offset. */
function parseOffset(header: string | string[] | undefined): number | undefined {
	if (typeof header !== 'string' || !/^(0|[1-9]\d*)$/.test(header)) return undefined;
	const offset = Number(header);
	return Number.isSafeInteger(offset) ? offset : undefined;
}

/** An error tus throws (ERRORS in @tus/utils: a status and a body) or any other, in our words. */
function refusalFor(error: unknown): Refusal {
	const { status_code: status, body } = (error ?? {}) as { status_code?: unknown; body?: unknown };
	return tusRefusal(
		typeof status === 'number' ? status : 500,
		typeof body === 'string' ? body : String(error)
	);
}

export function patchHandler({ store, locker, catalogue, finish }: PatchOptions): PatchHandler {
	return async (request, response, id) => {
		response.setHeader('Tus-Resumable', TUS_VERSION);
		// Whatever is refused, the body is not read: the connection closes instead of draining it.
		const refuse = (refusal: Refusal) => {
			response.setHeader('Connection', 'close');
			sendRefusal(response, refusal);
		};
		const headers = request.headers;
		if (headers['tus-resumable'] !== TUS_VERSION) {
			response.setHeader('Tus-Version', TUS_VERSION);
			return refuse(tusRefusal(412, `Tus-Resumable: ${TUS_VERSION} required`));
		}
		if (headers['content-type'] !== OFFSET_CONTENT_TYPE) {
			return refuse(tusRefusal(415, `Content-Type must be ${OFFSET_CONTENT_TYPE}`));
		}
		const offset = parseOffset(headers['upload-offset']);
		if (offset === undefined) {
			return refuse(tusRefusal(400, 'Upload-Offset must be a non-negative integer'));
		}
		// Every upload says its size when it is made (see onUploadCreate): none is deferred.
		if (headers['upload-length'] !== undefined) {
			return refuse(tusRefusal(400, 'Upload-Length cannot be set after the upload is made'));
		}

		// A newer request for this upload (the client resuming after a drop, whose old request
		// may still hang here) asks the holder to let go; the holder stops reading, and writes
		// what it already took before unlocking, so the newcomer reads the true offset.
		const release = new AbortController();
		const gone = new AbortController();
		response.once('close', () => gone.abort());
		const lock = locker.newLock(id);
		try {
			await lock.lock(gone.signal, () => release.abort());
		} catch (error) {
			if (gone.signal.aborted) return;
			return refuse(refusalFor(error));
		}
		let newOffset: number;
		try {
			// The file's size, not the bytes counted in: a request cut off mid-body may have
			// counted bytes that never reached the disk.
			const stored = await store.getUpload(id);
			if (stored.offset !== offset) return refuse(tusRefusal(409, ''));
			const length = headers['content-length'];
			if (length !== undefined && offset + Number(length) > (stored.size ?? 0)) {
				const tooLarge = tusRefusal(413, '');
				// Like any upload that broke a size limit, it goes rather than wait to be resumed.
				await catalogue.remove(id, tooLarge);
				return refuse(tooLarge);
			}
			newOffset = await store.write(request, id, offset, release.signal);
			if (newOffset === stored.size) finish(id);
		} catch (error) {
			if (error instanceof RefusalError) return refuse(error.refusal);
			// The client went away mid-body: nobody is left to answer.
			if (!request.complete && request.destroyed) return void response.destroy();
			return refuse(refusalFor(error));
		} finally {
			await lock.unlock();
		}
		// A request made to let go still says how far it got, then drops the rest of its body.
		if (!request.complete) response.setHeader('Connection', 'close');
		response.writeHead(204, { 'Upload-Offset': String(newOffset) }).end();
	};
}
