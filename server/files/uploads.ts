/**
 * Uploads over tus (https://tus.io/protocols/resumable-upload): `POST /files/uploads` makes an
 * upload, `PATCH /files/uploads/<id>` streams bytes to disk from any offset, `HEAD` says where
 * to resume, `DELETE` cancels. Only members of the room may upload, every byte is counted
 * against the limits as it arrives, and a refused, cancelled or abandoned upload leaves
 * nothing on disk.
 */
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { FileStore, MemoryConfigstore } from '@tus/file-store';
import { Server as TusServer, type Upload } from '@tus/server';
import { sanitiseFileName } from '../../src/lib/files/names.ts';
import { uploadMetadataKeys, UPLOADS_PATH } from '../../src/lib/protocol.ts';
import type { Handler } from '../http.ts';
import { cancelled, type FileCatalogue } from './catalogue.ts';
import { sanitiseMimeType } from './headers.ts';
import { checkDiskSpace, type Limits } from './limits.ts';
import { fileNotFound, notAMember, refusalBody, sendRefusal, type Refusal } from './refusals.ts';
import type { FileTokens } from './tokens.ts';

/**
 * While an upload streams, the disk's free space is measured again after every few megabytes,
 * but at most every so many milliseconds: statfs costs more than the bytes in between.
 */
const DISK_CHECK_BYTES = 4 * 1024 * 1024;
const DISK_CHECK_MIN_INTERVAL_MS = 200;
const WRITE_BATCH_BYTES = 4 * 1024 * 1024;

export interface UploadRouteOptions {
	folder: string;
	limits: Limits;
	catalogue: FileCatalogue;
	tokens: FileTokens;
	freeBytes: (folder: string) => Promise<number>;
}

/** A refusal thrown through tus: it answers with `status_code` and `body` as they are. */
class RefusalError extends Error {
	readonly status_code: number;
	readonly body: string;

	constructor(refusal: Refusal) {
		super(refusal.message);
		this.status_code = refusal.status;
		this.body = refusalBody(refusal);
	}
}

/** What the route learned about a request before tus took it: who sent it, for which upload. */
interface RequestContext {
	token: string;
	uploadId: string | undefined;
}

const tusRefusals: Record<number, Refusal> = {
	404: { status: 404, code: 'file-not-found', message: 'This upload is no longer on the server.' },
	409: {
		status: 409,
		code: 'invalid-request',
		message: 'The upload is not at that offset; ask where it stopped and go on from there.'
	},
	410: { status: 410, code: 'file-not-found', message: 'This upload is no longer on the server.' },
	413: {
		status: 413,
		code: 'file-too-large',
		message: 'More bytes arrived than the upload said it had, so it was refused.'
	}
};

/** tus's file store, with every byte counted against the upload it belongs to on the way in. */
class MeteredFileStore extends FileStore {
	readonly #options: UploadRouteOptions;

	constructor(options: UploadRouteOptions) {
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
	 * Streams the request body into the stored file, counting every byte against the upload it
	 * belongs to and checking free space as it goes. Written here rather than by FileStore so a
	 * refusal reaches the client as itself, and so the file is written in large batches (a big
	 * highWaterMark lets fs.WriteStream gather many socket reads into one writev).
	 */
	override async write(readable: Readable, id: string, offset: number): Promise<number> {
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
		const meter = new Transform({
			transform(chunk: Buffer, _encoding, callback) {
				received += chunk.length;
				// tus stops a body at the declared size; this is the store's own guarantee. The
				// stream stays stalled until stop() below ends it.
				if (received > upload.size) return void catalogue.remove(id, tusRefusals[413]!);
				catalogue.progress(upload, received);
				if (received >= nextDiskCheck) {
					nextDiskCheck = received + DISK_CHECK_BYTES;
					if (performance.now() - lastDiskCheckAt >= DISK_CHECK_MIN_INTERVAL_MS) void checkDisk();
				}
				callback(null, chunk);
			}
		});
		// tus answers as soon as the stream fails, so it fails only once the file is off the disk:
		// a client told "refused" finds nothing left behind.
		const stop = (why: Refusal) => {
			refusal = why;
			void catalogue.whenGone(id).then(() => meter.destroy(new RefusalError(why)));
		};
		upload.stop = stop;
		try {
			await pipeline(
				readable,
				meter,
				// r+: an upload whose file was deleted meanwhile fails instead of starting anew.
				createWriteStream(upload.path, {
					flags: 'r+',
					start: offset,
					highWaterMark: WRITE_BATCH_BYTES
				})
			);
		} catch (error) {
			if (!refusal) throw error;
		} finally {
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

function bearerToken(header: string | undefined): string | undefined {
	const match = /^Bearer ([A-Za-z0-9_-]+)$/.exec(header ?? '');
	return match?.[1];
}

export function uploadRoute(options: UploadRouteOptions): Handler {
	const { catalogue, tokens, folder, freeBytes } = options;
	const contexts = new WeakMap<object, RequestContext>();
	// tus hands its hooks a web Request; srvx keeps the Node request it came from.
	const contextOf = (request: { runtime?: { node?: { req: object } } }) => {
		const node = request.runtime?.node?.req;
		return node ? contexts.get(node) : undefined;
	};

	const tus = new TusServer({
		path: UPLOADS_PATH,
		datastore: new MeteredFileStore(options),
		relativeLocation: true,
		// Same origin only: the app never uploads from anywhere else.
		allowedOrigins: () => false,
		namingFunction(request) {
			const id = randomBytes(16).toString('base64url');
			const context = contextOf(request);
			if (context) context.uploadId = id;
			return id;
		},
		async onUploadCreate(request, upload) {
			const context = contextOf(request);
			if (!context) throw new RefusalError(notAMember);
			if (upload.size === undefined) {
				throw new RefusalError({
					status: 411,
					code: 'invalid-request',
					message: 'An upload must say its size (Upload-Length) when it starts.'
				});
			}
			const metadata = upload.metadata ?? {};
			const free = await freeBytes(folder);
			// Checked again after the wait: the sender may have left meanwhile.
			const member = tokens.resolve(context.token);
			if (!member) throw new RefusalError(notAMember);
			const reserved = catalogue.reserve(
				{ roomId: member.roomId, peerId: member.peerId, senderName: member.seat.name },
				{
					id: upload.id,
					name: sanitiseFileName(metadata[uploadMetadataKeys.name] ?? ''),
					type: sanitiseMimeType(metadata[uploadMetadataKeys.type]),
					size: upload.size
				},
				free
			);
			if ('code' in reserved) throw new RefusalError(reserved);
			return {};
		},
		async onUploadFinish(_request, upload) {
			if (!catalogue.complete(upload.id)) throw new RefusalError(cancelled.byUploader);
			return {};
		},
		async onResponseError(request, error) {
			if (error instanceof RefusalError) return undefined;
			const status = 'status_code' in error ? error.status_code : 500;
			const refusal = tusRefusals[status] ?? {
				status,
				code: status < 500 ? 'invalid-request' : 'upload-failed',
				message:
					status < 500
						? `The upload request was refused: ${('body' in error ? error.body : error.message).trim()}`
						: 'The server could not store this upload. Try again.'
			};
			// An upload that broke a size limit goes, rather than waiting to be resumed.
			const uploadId = contextOf(request)?.uploadId;
			if (status === 413 && uploadId && catalogue.upload(uploadId)) {
				await catalogue.remove(uploadId, refusal);
			}
			return { status_code: refusal.status, body: refusalBody(refusal) };
		}
	});

	return (request, response, next) => {
		const path = (request.url ?? '').split('?')[0]!;
		if (path !== UPLOADS_PATH && !path.startsWith(`${UPLOADS_PATH}/`)) return next();
		const method = request.method ?? 'GET';
		if (method === 'OPTIONS') return void tus.handle(request, response);
		if (!['POST', 'HEAD', 'PATCH', 'DELETE'].includes(method)) {
			response.setHeader('Allow', 'OPTIONS, POST, HEAD, PATCH, DELETE');
			return sendRefusal(response, {
				status: 405,
				code: 'invalid-request',
				message: 'Download files from their own link, not the upload link.'
			});
		}
		// A refused body is not read: the connection closes instead of draining megabytes.
		const refuse = (refusal: Refusal) => {
			response.setHeader('Connection', 'close');
			sendRefusal(response, refusal);
		};
		const token = bearerToken(request.headers.authorization);
		const member = tokens.resolve(token);
		if (!token || !member) return refuse(notAMember);
		const id = path.slice(UPLOADS_PATH.length + 1) || undefined;
		if (method === 'POST' ? id !== undefined : id === undefined) return refuse(fileNotFound);
		// Someone else's upload answers like a missing one.
		if (id && catalogue.owner(id)?.peerId !== member.peerId) return refuse(fileNotFound);
		if (method === 'DELETE') {
			// Answered here rather than by tus: tus would first wait for a streaming request to
			// let go of its lock, while this stops the stream and deletes at once.
			void catalogue.remove(id!, cancelled.byUploader).then(() => {
				response.writeHead(204, { 'Tus-Resumable': '1.0.0' }).end();
			});
			return;
		}
		contexts.set(request, { token, uploadId: id });
		tus.handle(request, response).catch(() => response.destroy());
	};
}
