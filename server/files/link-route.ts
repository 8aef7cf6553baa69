/**
 * `POST /files/links`: the page trades its seat's token (in the Authorization header, never a
 * URL) for download links to files of its room, and asks again before they expire.
 */
import * as v from 'valibot';
import {
	FILE_LINKS_PATH,
	fileDownloadPath,
	FileLinksRequestSchema,
	filePreviewPath,
	type FileLink
} from '../../src/lib/protocol.ts';
import { sendJson, type Handler } from '../http.ts';
import type { FileLinks } from './links.ts';
import { notAMember, sendRefusal } from './refusals.ts';
import { bearerToken, type FileTokens } from './tokens.ts';

/** 500 ids of 22 characters and their quotes fit easily; anything longer is not ours. */
const MAX_BODY_BYTES = 16 * 1024;

/** What a link needs to know of a file: its room, whether it has a preview, who holds it. */
export interface LinkedFile {
	roomId: string;
	hasPreview: boolean;
	/** The process holding it, when several share the rooms: its links are routed there. */
	node?: string | undefined;
}

export type FindFile = (id: string) => LinkedFile | undefined | Promise<LinkedFile | undefined>;

export function linkRoute(findFile: FindFile, tokens: FileTokens, links: FileLinks): Handler {
	return (request, response, next) => {
		if ((request.url ?? '').split('?')[0] !== FILE_LINKS_PATH) return next();
		const refuse = (status: number, message: string) => {
			response.setHeader('Connection', 'close');
			sendRefusal(response, { status, code: 'invalid-request', message });
		};
		if (request.method !== 'POST') {
			response.setHeader('Allow', 'POST');
			return refuse(405, 'Ask for links with POST.');
		}
		const member = tokens.resolve(bearerToken(request.headers.authorization));
		if (!member) {
			response.setHeader('Connection', 'close');
			return sendRefusal(response, notAMember);
		}
		const chunks: Buffer[] = [];
		let bytes = 0;
		request.on('data', (chunk: Buffer) => {
			bytes += chunk.length;
			if (bytes > MAX_BODY_BYTES) {
				refuse(413, 'Ask for fewer links at once.');
				request.destroy();
				return;
			}
			chunks.push(chunk);
		});
		request.on('end', async () => {
			if (response.headersSent) return;
			let body: unknown;
			try {
				body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
			} catch {
				return refuse(400, 'The body must be JSON: {"ids": [...]}.');
			}
			const parsed = v.safeParse(FileLinksRequestSchema, body);
			if (!parsed.success) return refuse(400, 'The body must be JSON: {"ids": [...]}.');
			const answer: FileLink[] = [];
			let found: (LinkedFile | undefined)[];
			try {
				found = await Promise.all([...new Set(parsed.output.ids)].map((id) => findFile(id)));
			} catch {
				return sendRefusal(response, {
					status: 503,
					code: 'try-again',
					message: 'The file list is out of reach for a moment; try again.'
				});
			}
			[...new Set(parsed.output.ids)].forEach((id, index) => {
				const file = found[index];
				// Another room's file is left out exactly like a missing one.
				if (!file || file.roomId !== member.roomId) return;
				const token = links.sign(id, member.peerId);
				answer.push({
					id,
					download: fileDownloadPath(id, token, file.node),
					...(file.hasPreview ? { preview: filePreviewPath(id, token, file.node) } : {}),
					validSeconds: links.lifetimeSeconds
				});
			});
			if (!response.headersSent) sendJson(response, 200, { ok: true, links: answer });
		});
	};
}
