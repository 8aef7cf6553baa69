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
import type { FileCatalogue } from './catalogue.ts';
import type { FileLinks } from './links.ts';
import { notAMember, sendRefusal } from './refusals.ts';
import { bearerToken, type FileTokens } from './tokens.ts';

/** 500 ids of 22 characters and their quotes fit easily; anything longer is not ours. */
const MAX_BODY_BYTES = 16 * 1024;

export function linkRoute(catalogue: FileCatalogue, tokens: FileTokens, links: FileLinks): Handler {
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
		request.on('end', () => {
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
			for (const id of new Set(parsed.output.ids)) {
				const file = catalogue.file(id);
				// Another room's file is left out exactly like a missing one.
				if (!file || file.roomId !== member.roomId) continue;
				const token = links.sign(id, member.peerId);
				answer.push({
					id,
					download: fileDownloadPath(id, token),
					...(file.info.hasPreview ? { preview: filePreviewPath(id, token) } : {}),
					validSeconds: links.lifetimeSeconds
				});
			}
			sendJson(response, 200, { ok: true, links: answer });
		});
	};
}
