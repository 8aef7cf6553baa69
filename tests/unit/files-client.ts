/** A member of a room and the tus requests a browser makes, spelled out for the file tests. */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { request as httpRequest, type ClientRequest } from 'node:http';
import { join as joinPath } from 'node:path';
import {
	FILE_LINKS_PATH,
	uploadMetadataKeys,
	UPLOADS_PATH,
	type FileLink,
	type JoinAnswer
} from '../../src/lib/protocol';
import { anyMedia, createRoom, type Harness, type TestClient } from './harness';

export interface Member {
	socket: TestClient;
	answer: JoinAnswer;
	token: string;
}

export async function join(
	server: Harness,
	roomId: string,
	name: string,
	resumeToken?: string
): Promise<Member> {
	const socket = await server.client();
	const answer = await socket.emitWithAck('room:join', {
		roomId,
		name,
		media: anyMedia,
		...(resumeToken ? { resumeToken } : {})
	});
	if (!answer.ok) throw new Error(`join refused: ${answer.error.message}`);
	return { socket, answer, token: answer.fileToken };
}

/** A room with two people in it, Ana and Bo. */
export async function roomOfTwo(server: Harness) {
	const host = await server.client();
	const roomId = await createRoom(host);
	return { roomId, ana: await join(server, roomId, 'Ana'), bo: await join(server, roomId, 'Bo') };
}

export const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

export function storedFiles(server: Harness): string[] {
	return readdirSync(server.dropcall.files.folder);
}

/** The size of an upload's file on disk, or -1 when there is none. */
export function storedSize(server: Harness, id: string): number {
	const path = joinPath(server.dropcall.files.folder, id);
	return existsSync(path) ? statSync(path).size : -1;
}

const encodeMetadata = (name: string, type: string) =>
	[
		`${uploadMetadataKeys.name} ${Buffer.from(name).toString('base64')}`,
		`${uploadMetadataKeys.type} ${Buffer.from(type).toString('base64')}`
	].join(',');

/** tus creation: POST with the size and metadata; answers with the upload's id, or the refusal. */
export async function createUpload(
	server: Harness,
	token: string | undefined,
	file: { size: number; name?: string; type?: string }
): Promise<{ status: number; id: string | undefined; body: string }> {
	const response = await fetch(`${server.url}${UPLOADS_PATH}`, {
		method: 'POST',
		headers: {
			'Tus-Resumable': '1.0.0',
			'Upload-Length': String(file.size),
			'Upload-Metadata': encodeMetadata(file.name ?? 'file.bin', file.type ?? ''),
			...(token ? { Authorization: `Bearer ${token}` } : {})
		}
	});
	const location = response.headers.get('location');
	return {
		status: response.status,
		id: location?.split('/').at(-1),
		body: await response.text()
	};
}

/** tus PATCH; `headers` replaces the usual ones, and an undefined value leaves one out. */
export async function patchUpload(
	server: Harness,
	token: string,
	id: string,
	offset: number,
	body: Uint8Array,
	headers: Record<string, string | undefined> = {}
): Promise<Response> {
	const sent = {
		'Tus-Resumable': '1.0.0',
		'Upload-Offset': String(offset),
		'Content-Type': 'application/offset+octet-stream',
		Authorization: `Bearer ${token}`,
		...headers
	};
	return fetch(`${server.url}${UPLOADS_PATH}/${id}`, {
		method: 'PATCH',
		headers: Object.fromEntries(
			Object.entries(sent).filter((entry): entry is [string, string] => entry[1] !== undefined)
		),
		body: new Uint8Array(body)
	});
}

export async function uploadOffset(server: Harness, token: string, id: string) {
	const response = await fetch(`${server.url}${UPLOADS_PATH}/${id}`, {
		method: 'HEAD',
		headers: { 'Tus-Resumable': '1.0.0', Authorization: `Bearer ${token}` }
	});
	return { status: response.status, offset: Number(response.headers.get('upload-offset')) };
}

/** Uploads in one go, as a browser does for a file smaller than one chunk. */
export async function upload(
	server: Harness,
	member: Member,
	bytes: Uint8Array,
	file: { name?: string; type?: string } = {}
): Promise<string> {
	const created = await createUpload(server, member.token, { size: bytes.length, ...file });
	if (created.status !== 201 || !created.id) throw new Error(`upload refused: ${created.body}`);
	const response = await patchUpload(server, member.token, created.id, 0, bytes);
	if (response.status !== 204) throw new Error(`upload failed: ${await response.text()}`);
	return created.id;
}

/** Asks for download links with the seat's token, as the page does. */
export async function askLinks(
	server: Harness,
	token: string,
	ids: string[]
): Promise<{ status: number; links: FileLink[] }> {
	const response = await fetch(`${server.url}${FILE_LINKS_PATH}`, {
		method: 'POST',
		headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
		body: JSON.stringify({ ids })
	});
	const body = (await response.json()) as { links?: FileLink[] };
	return { status: response.status, links: body.links ?? [] };
}

export async function linkFor(server: Harness, token: string, id: string) {
	return (await askLinks(server, token, [id])).links.find((link) => link.id === id);
}

/**
 * Downloads as the page does: a link first, then the file. No link answers like the route
 * would: 403 for someone not in the room, 404 for a file no longer shared.
 */
export async function download(server: Harness, id: string, token: string, headers = {}) {
	const { status, links } = await askLinks(server, token, [id]);
	if (status !== 200) return new Response(null, { status });
	const link = links.find((each) => each.id === id);
	if (!link) return new Response(null, { status: 404 });
	return fetch(`${server.url}${link.download}`, { headers });
}

/**
 * A PATCH whose body the test feeds by hand: the way to stop an upload half way, as a phone
 * losing its network does. `response` settles with the status, or with 0 if the connection died.
 */
export function streamingPatch(
	server: Harness,
	token: string,
	id: string,
	options: { offset?: number; length?: number } = {}
): { request: ClientRequest; response: Promise<{ status: number; body: string }> } {
	const url = new URL(`${server.url}${UPLOADS_PATH}/${id}`);
	const request = httpRequest(url, {
		method: 'PATCH',
		headers: {
			'Tus-Resumable': '1.0.0',
			'Upload-Offset': String(options.offset ?? 0),
			'Content-Type': 'application/offset+octet-stream',
			Authorization: `Bearer ${token}`,
			...(options.length === undefined ? {} : { 'Content-Length': String(options.length) })
		}
	});
	const response = new Promise<{ status: number; body: string }>((resolve) => {
		request.on('response', (incoming) => {
			let body = '';
			incoming.on('data', (chunk: Buffer) => (body += chunk.toString()));
			incoming.on('end', () => resolve({ status: incoming.statusCode ?? 0, body }));
			incoming.on('error', () => resolve({ status: incoming.statusCode ?? 0, body }));
		});
		request.on('error', () => resolve({ status: 0, body: '' }));
	});
	return { request, response };
}

/** Writes `bytes` into a request and resolves once the socket has taken them. */
export function write(request: ClientRequest, bytes: Uint8Array): Promise<void> {
	return new Promise((resolve, reject) =>
		request.write(bytes, (error) => (error ? reject(error) : resolve()))
	);
}
