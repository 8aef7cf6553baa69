/**
 * Downloads and thumbnails: `GET /files/<id>?link=…` and `GET /files/<id>/preview?link=…`, with
 * a link token from `POST /files/links` (./link-route.ts); the seat's own token is not taken.
 * Streamed from disk in bounded chunks (memory stays flat for any size), byte ranges for
 * resumed downloads and seeking, and cut off the moment the file is deleted or the seat that
 * asked for the link is freed.
 */
import type { FileHandle } from 'node:fs/promises';
import { open } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ReadStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { FILES_PATH } from '../../src/lib/protocol.ts';
import type { Handler } from '../http.ts';
import type { FileCatalogue, SharedFile } from './catalogue.ts';
import { contentDisposition, downloadContentType, parseRange } from './headers.ts';
import type { FileLinks } from './links.ts';
import { fileNotFound, linkExpired, notAMember, sendRefusal } from './refusals.ts';
import type { RoomRegistry } from '../registry.ts';

const routePattern = new RegExp(`^${FILES_PATH}/([A-Za-z0-9_-]{22})(/preview)?$`);
/** Large reads keep a 1 GiB download near disk speed; one chunk per response is the cost. */
const READ_CHUNK_BYTES = 1024 * 1024;

export function downloadRoute(
	catalogue: FileCatalogue,
	links: FileLinks,
	registry: RoomRegistry
): Handler {
	// Downloads under way, by file and by the seat whose link started them: either going
	// ends them at once, as it ends every later use of the link.
	const streaming = new Map<string, Set<ReadStream>>();
	const streamingFor = new Map<string, Set<ReadStream>>();
	const cutOff = (streams: Map<string, Set<ReadStream>>, key: string) => {
		for (const stream of streams.get(key) ?? []) stream.destroy();
		streams.delete(key);
	};
	catalogue.on('forgotten', (id) => cutOff(streaming, id));
	registry.on('peerLeft', (_room, seat) => cutOff(streamingFor, seat.peerId));
	const track = (streams: Map<string, Set<ReadStream>>, key: string, stream: ReadStream) => {
		const active = streams.get(key) ?? new Set();
		streams.set(key, active.add(stream));
		return () => {
			active.delete(stream);
			if (active.size === 0 && streams.get(key) === active) streams.delete(key);
		};
	};

	async function send(
		request: IncomingMessage,
		response: ServerResponse,
		file: SharedFile,
		isPreview: boolean,
		peerId: string
	): Promise<void> {
		let handle: FileHandle;
		try {
			handle = await open(file.path, 'r');
		} catch {
			return sendRefusal(response, fileNotFound);
		}
		// Deleted while the file was opening: the link has stopped working.
		if (catalogue.file(file.info.id) !== file) {
			await handle.close();
			return sendRefusal(response, fileNotFound);
		}
		const { info } = file;
		const etag = `"${info.id}"`;
		const ifRange = request.headers['if-range'];
		const range =
			ifRange === undefined || ifRange === etag
				? parseRange(request.headers.range, info.size)
				: undefined;
		response.setHeader('Accept-Ranges', 'bytes');
		response.setHeader('ETag', etag);
		response.setHeader('Last-Modified', new Date(info.createdAt).toUTCString());
		response.setHeader('Cache-Control', 'private, no-store');
		response.setHeader('X-Content-Type-Options', 'nosniff');
		// Opened directly, the file is a sandboxed document that can run nothing.
		response.setHeader('Content-Security-Policy', "default-src 'none'; sandbox");
		response.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
		response.setHeader('Content-Type', isPreview ? info.type : downloadContentType(info.type));
		response.setHeader(
			'Content-Disposition',
			contentDisposition(isPreview ? 'inline' : 'attachment', info.name)
		);
		if (range === 'unsatisfiable') {
			await handle.close();
			response.writeHead(416, { 'Content-Range': `bytes */${info.size}` }).end();
			return;
		}
		const start = range?.start ?? 0;
		const end = range?.end ?? info.size - 1;
		const length = Math.max(0, end - start + 1);
		if (range) response.setHeader('Content-Range', `bytes ${start}-${end}/${info.size}`);
		response.writeHead(range ? 206 : 200, { 'Content-Length': length });
		if (request.method === 'HEAD' || length === 0) {
			await handle.close();
			response.end();
			return;
		}
		const stream = handle.createReadStream({ start, end, highWaterMark: READ_CHUNK_BYTES });
		const untrackFile = track(streaming, info.id, stream);
		const untrackSeat = track(streamingFor, peerId, stream);
		try {
			await pipeline(stream, response);
		} catch {
			// The person cancelled, or the file or the seat went under the download: all end it.
			response.destroy();
		} finally {
			untrackFile();
			untrackSeat();
		}
	}

	return (request, response, next) => {
		const url = new URL(request.url ?? '/', 'http://localhost');
		const match = routePattern.exec(url.pathname);
		if (!match) return next();
		if (request.method !== 'GET' && request.method !== 'HEAD') {
			response.setHeader('Allow', 'GET, HEAD');
			return sendRefusal(response, {
				status: 405,
				code: 'invalid-request',
				message: 'Files are downloaded with GET.'
			});
		}
		const [, id = '', preview] = match;
		const link = links.check(id, url.searchParams.get('link'));
		if (link === 'expired') return sendRefusal(response, linkExpired);
		if (!link) return sendRefusal(response, notAMember);
		const file = catalogue.file(id);
		if (!file || (preview && !file.info.hasPreview)) return sendRefusal(response, fileNotFound);
		// The seat that asked for the link must still be in the file's room: a link stops the
		// moment its seat is freed, as the seat's own token does.
		if (!registry.get(file.roomId)?.members.has(link.peerId)) {
			return sendRefusal(response, notAMember);
		}
		void send(request, response, file, Boolean(preview), link.peerId);
	};
}
