/**
 * Uploads over tus (https://tus.io/protocols/resumable-upload): `POST /files/uploads` makes an
 * upload, `PATCH /files/uploads/<id>` streams bytes to disk from any offset, `HEAD` says where
 * to resume, `DELETE` cancels. Only members of the room may upload, every byte is counted
 * against the limits as it arrives, and a refused, cancelled or abandoned upload leaves
 * nothing on disk. @tus/server answers POST, HEAD and OPTIONS; PATCH (./patch.ts) and DELETE
 * are answered here.
 */
import { randomBytes } from 'node:crypto';
import { MemoryLocker, Server as TusServer } from '@tus/server';
import { sanitiseFileName } from '../../src/lib/files/names.ts';
import * as v from 'valibot';
import { SealedMetadataSchema, uploadMetadataKeys, UPLOADS_PATH } from '../../src/lib/protocol.ts';
import { clientAddress } from '../guard/address.ts';
import type { Handler } from '../http.ts';
import { cancelled, type FileCatalogue } from './catalogue.ts';
import { sanitiseMimeType } from './headers.ts';
import type { Limits } from './limits.ts';
import { patchHandler } from './patch.ts';
import {
	fileNotFound,
	notAMember,
	RefusalError,
	refusalBody,
	sendRefusal,
	tusRefusal,
	type Refusal
} from './refusals.ts';
import { MeteredFileStore } from './store.ts';
import { bearerToken, type FileTokens } from './tokens.ts';

const draining: Refusal = {
	status: 503,
	code: 'server-stopping',
	message: 'This server is stopping; start the upload again and it will go to another one.'
};

const ledgerAway: Refusal = {
	status: 503,
	code: 'try-again',
	message: 'The server cannot reach its shared store right now; try again in a moment.'
};

export interface UploadRouteOptions {
	folder: string;
	limits: Limits;
	catalogue: FileCatalogue;
	tokens: FileTokens;
	freeBytes: (folder: string) => Promise<number>;
	/** Count clients by X-Forwarded-For's last entry (behind a proxy we run). */
	trustProxy: boolean;
	/** This process is stopping: uploads under way go on, new ones go to another process. */
	isDraining?: () => boolean;
}

/** What the route learned about a request before tus took it: who sent it, for which upload. */
interface RequestContext {
	token: string;
	address: string;
	uploadId: string | undefined;
}

export function uploadRoute(options: UploadRouteOptions): Handler {
	const { catalogue, tokens, folder, freeBytes } = options;
	const contexts = new WeakMap<object, RequestContext>();
	// tus hands its hooks a web Request; srvx keeps the Node request it came from.
	const contextOf = (request: { runtime?: { node?: { req: object } } }) => {
		const node = request.runtime?.node?.req;
		return node ? contexts.get(node) : undefined;
	};

	const store = new MeteredFileStore(options);
	// One locker for tus's HEAD and our PATCH, so a resuming client's HEAD waits for the
	// request it abandoned to let go, and then reads where that one stopped.
	const locker = new MemoryLocker();
	const finish = (id: string) => {
		if (!catalogue.complete(id)) throw new RefusalError(cancelled.byUploader);
	};
	const patch = patchHandler({ store, locker, catalogue, finish });

	const tus = new TusServer({
		path: UPLOADS_PATH,
		datastore: store,
		locker,
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
			const sealed = metadata[uploadMetadataKeys.sealed] ?? undefined;
			if (sealed !== undefined && !v.is(SealedMetadataSchema, sealed)) {
				throw new RefusalError({
					status: 400,
					code: 'invalid-request',
					message: 'Sealed metadata must be base64url and at most a few kilobytes.'
				});
			}
			const free = await freeBytes(folder);
			// Checked again after the wait: the sender may have left meanwhile.
			const member = tokens.resolve(context.token);
			if (!member) throw new RefusalError(notAMember);
			const reserving = catalogue.reserve(
				{
					roomId: member.roomId,
					peerId: member.peerId,
					senderName: member.seat.name,
					address: context.address
				},
				{
					id: upload.id,
					name: sanitiseFileName(metadata[uploadMetadataKeys.name] ?? ''),
					type: sanitiseMimeType(metadata[uploadMetadataKeys.type]),
					size: upload.size,
					...(sealed ? { sealed } : {})
				},
				free
			);
			// A shared ledger (Redis) out of reach decided nothing: the client asks again.
			const reserved = await Promise.resolve(reserving).catch(() => {
				throw new RefusalError(ledgerAway);
			});
			if ('code' in reserved) throw new RefusalError(reserved);
			return {};
		},
		// tus still finishes an upload whose POST carries all of it: an empty file, say.
		async onUploadFinish(_request, upload) {
			finish(upload.id);
			return {};
		},
		async onResponseError(request, error) {
			if (error instanceof RefusalError) return undefined;
			const status = 'status_code' in error ? error.status_code : 500;
			const refusal = tusRefusal(status, 'body' in error ? error.body : error.message);
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
		if (method === 'POST' && options.isDraining?.()) return refuse(draining);
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
		if (method === 'PATCH') {
			void patch(request, response, id!).catch(() => response.destroy());
			return;
		}
		const address = clientAddress(
			request.socket.remoteAddress,
			request.headers['x-forwarded-for'],
			options.trustProxy
		);
		contexts.set(request, { token, address, uploadId: id });
		tus.handle(request, response).catch(() => response.destroy());
	};
}
