/**
 * The servers a benchmark starts, each as its own process: Dropcall as `npm start` runs it,
 * and bench/plain-server.ts for reference; and the requests a browser makes to them.
 */
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, stat, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { io, type Socket } from 'socket.io-client';
import {
	FILE_LINKS_PATH,
	UPLOAD_CHUNK_BYTES,
	UPLOADS_PATH,
	type ClientToServer,
	type ServerToClient
} from '../src/lib/protocol.ts';

const MiB = 2 ** 20;
const root = join(import.meta.dirname, '..');

export async function startServer(scratch: string, signal: AbortSignal) {
	// The server needs a built app to start; the benchmark never asks for it. It watches the
	// app folder's parent for a new build, so that parent holds nothing else: in the scratch
	// folder itself, every write of a download there woke the server (thousands per GiB).
	const staticDir = join(scratch, 'app', 'static');
	await mkdir(staticDir, { recursive: true });
	await writeFile(join(staticDir, 'index.html'), '<!doctype html>');
	return start(
		'server/index.ts',
		[],
		{
			HOST: '127.0.0.1',
			PORT: '0',
			QUIET: '1',
			STATIC_DIR: staticDir,
			UPLOAD_DIR: join(scratch, 'uploads')
		},
		/running on (http:\/\/\S+)/,
		signal
	);
}

export function startPlainServer(scratch: string, signal: AbortSignal) {
	return start('bench/plain-server.ts', [scratch], {}, /listening on (\d+)/, signal).then(
		({ child, url: port }) => ({ child, url: `http://127.0.0.1:${port}` })
	);
}

async function start(
	script: string,
	args: string[],
	env: Record<string, string>,
	ready: RegExp,
	signal: AbortSignal
) {
	const child = spawn(process.execPath, ['--import', 'tsx', join(root, script), ...args], {
		cwd: root,
		env: { ...process.env, ...env },
		stdio: ['ignore', 'pipe', 'inherit'],
		signal
	});
	child.on('error', () => {});
	const url = await new Promise<string>((resolve, reject) => {
		let text = '';
		child.stdout!.on('data', (chunk: Buffer) => {
			text += chunk.toString();
			const match = ready.exec(text);
			if (match) resolve(match[1]!);
		});
		child.once('exit', (code) => reject(new Error(`${script} exited (${code})`)));
	});
	return { child, url };
}

export async function joinRoom(url: string) {
	const socket: Socket<ServerToClient, ClientToServer> = io(url, {
		transports: ['websocket'],
		reconnection: false
	});
	const created = await socket.emitWithAck('room:create', { seats: 2, devices: 'none' });
	if (!created.ok) throw new Error(created.error.message);
	const joined = await socket.emitWithAck('room:join', {
		roomId: created.roomId,
		name: 'Bench',
		media: { audio: false, video: false }
	});
	if (!joined.ok) throw new Error(joined.error.message);
	return { socket, token: joined.fileToken };
}

/** The requests tus-js-client makes: one POST, then PATCHes of UPLOAD_CHUNK_BYTES each. */
export async function tusUpload(url: string, token: string, path: string, signal: AbortSignal) {
	const { size } = await stat(path);
	const created = await fetch(`${url}${UPLOADS_PATH}`, {
		method: 'POST',
		headers: {
			'Tus-Resumable': '1.0.0',
			'Upload-Length': String(size),
			'Upload-Metadata': `filename ${Buffer.from('bench.bin').toString('base64')}`,
			Authorization: `Bearer ${token}`
		},
		signal
	});
	if (created.status !== 201) throw new Error(`upload refused: ${await created.text()}`);
	const location = new URL(created.headers.get('location')!, url);
	for (let offset = 0; offset < size; offset += UPLOAD_CHUNK_BYTES) {
		const end = Math.min(size, offset + UPLOAD_CHUNK_BYTES);
		const status = await new Promise<number>((resolve, reject) => {
			const patch = request(location, {
				method: 'PATCH',
				headers: {
					'Tus-Resumable': '1.0.0',
					'Upload-Offset': String(offset),
					'Content-Type': 'application/offset+octet-stream',
					'Content-Length': String(end - offset),
					Authorization: `Bearer ${token}`
				},
				signal
			});
			patch.on('response', (response) => {
				response.resume();
				response.on('end', () => resolve(response.statusCode ?? 0));
			});
			patch.on('error', reject);
			createReadStream(path, { start: offset, end: end - 1, highWaterMark: MiB }).pipe(patch);
		});
		if (status !== 204) throw new Error(`PATCH answered ${status}`);
	}
	return location.pathname.split('/').at(-1)!;
}

/**
 * The clients a download can be fetched with. A browser reads the socket with native code;
 * curl stands in for it. Node's own client, the fallback without curl, spends more CPU per
 * byte than the server sending them (it hands JavaScript 64 KiB at a time), so it measures
 * itself more than the server.
 */
export type DownloadClient = 'curl' | 'node';

export const hasCurl = spawnSync('curl', ['--version']).status === 0;

/** As the page does: trades the seat's token for the file's download link, then fetches it. */
export async function downloadTo(
	client: DownloadClient,
	url: string,
	token: string,
	id: string,
	path: string,
	signal: AbortSignal
) {
	const answer = await fetch(new URL(FILE_LINKS_PATH, url), {
		method: 'POST',
		headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
		body: JSON.stringify({ ids: [id] }),
		signal
	});
	const { links } = (await answer.json()) as { links?: { id: string; download: string }[] };
	const link = links?.find((candidate) => candidate.id === id);
	if (!link) throw new Error(`no download link for ${id} (${answer.status})`);
	return download(client, new URL(link.download, url), path, signal);
}

export function plainDownload(
	client: DownloadClient,
	url: string,
	path: string,
	signal: AbortSignal
) {
	return download(client, new URL('/file', url), path, signal);
}

async function download(client: DownloadClient, url: URL, path: string, signal: AbortSignal) {
	if (client === 'curl') {
		const curl = spawn('curl', ['--silent', '--show-error', '--fail', '--output', path, url.href], {
			stdio: ['ignore', 'ignore', 'inherit'],
			signal
		});
		const [code] = (await once(curl, 'exit')) as [number | null];
		if (code !== 0) throw new Error(`curl exited with ${code} for ${url.pathname}`);
		return;
	}
	await new Promise<void>((resolve, reject) => {
		const get = request(url, { signal }, (response) => {
			if (response.statusCode !== 200)
				return reject(new Error(`GET answered ${response.statusCode}`));
			pipeline(response, createWriteStream(path, { highWaterMark: 4 * MiB })).then(resolve, reject);
		});
		get.on('error', reject);
		get.end();
	});
}

export async function plainUpload(url: string, path: string, signal: AbortSignal) {
	const { size } = await stat(path);
	await new Promise<void>((resolve, reject) => {
		const put = request(`${url}/file`, {
			method: 'PUT',
			headers: { 'Content-Length': String(size) },
			signal
		});
		put.on('response', (response) => {
			response.resume();
			response.on('end', resolve);
		});
		put.on('error', reject);
		createReadStream(path, { highWaterMark: MiB }).pipe(put);
	});
}
