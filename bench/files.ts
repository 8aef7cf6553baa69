/**
 * The file store over loopback with a 1 GiB file: upload (tus, in the chunks a browser sends)
 * and download throughput, each against a plain disk copy of the same file made in the same
 * run, and how much the server's resident memory grows while it moves the gigabyte. The
 * server runs as its own process, as `npm start` runs it, so its RSS is its own.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash, randomFillSync } from 'node:crypto';
import { createReadStream, createWriteStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { copyFile, mkdir, open, readFile, rm, stat, statfs, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { io } from 'socket.io-client';
import {
	fileDownloadPath,
	UPLOAD_CHUNK_BYTES,
	UPLOADS_PATH,
	type ClientToServer,
	type ServerToClient
} from '../src/lib/protocol.ts';
import type { Socket } from 'socket.io-client';
import type { Benchmark } from './run.ts';

const FILE_BYTES = 2 ** 30;
const MiB = 2 ** 20;
/** Rounds of copy, upload and download; ratios are taken within a round, then the median. */
const ROUNDS = 5;
const root = join(import.meta.dirname, '..');

export const filesBenchmark: Benchmark = {
	name: 'files: 1 GiB over loopback',
	deadlineSeconds: 300,
	async run(signal) {
		const scratch = mkdtempSync(join(tmpdir(), 'dropcall-bench-'));
		let server: ChildProcess | undefined;
		try {
			const stats = await statfs(scratch);
			// The source, a copy or the download, the stored upload, and the server's free margin.
			const needed = 4 * FILE_BYTES;
			if (stats.bavail * stats.bsize < needed) {
				throw new Error(`needs ${needed / 2 ** 30} GiB free in ${tmpdir()}`);
			}
			const loadBefore = loadavg()[0]!;
			const source = join(scratch, 'source.bin');
			const sourceHash = await writeRandomFile(source, FILE_BYTES);
			const copy = join(scratch, 'copy.bin');
			const downloaded = join(scratch, 'downloaded.bin');

			const started = await startServer(scratch, signal);
			server = started.child;
			const member = await joinRoom(started.url);
			// Warm up the code paths so the figures measure streaming, not first-call compiling.
			const warmUp = join(scratch, 'warm-up.bin');
			writeFileSync(warmUp, randomFillSync(Buffer.alloc(8 * MiB)));
			const warmId = await tusUpload(started.url, member.token, warmUp, signal);
			await downloadTo(started.url, member.token, warmId, join(scratch, 'warm-down.bin'), signal);

			// Another process busy on the machine slows whichever phase it overlaps, so each round
			// measures the copy right next to the transfers it is compared with.
			const rounds: {
				copy: number;
				copyFile: number;
				upload: number;
				download: number;
				uploadCpu: number;
				downloadCpu: number;
			}[] = [];
			const cpu = new CpuWatch(started.child.pid!);
			const memory = new MemoryWatch(started.child.pid!);
			await memory.start();
			for (let round = 0; round < ROUNDS; round++) {
				signal.throwIfAborted();
				const copySeconds = await timed(() => streamCopy(source, copy));
				await rm(copy);
				const copyFileSeconds = await timed(() => copyFile(source, copy));
				await rm(copy);
				let id = '';
				let cpuBefore = await cpu.seconds();
				const uploadSeconds = await timed(async () => {
					id = await tusUpload(started.url, member.token, source, signal);
				});
				const uploadCpu = (await cpu.seconds()) - cpuBefore;
				cpuBefore = await cpu.seconds();
				const downloadSeconds = await timed(() =>
					downloadTo(started.url, member.token, id, downloaded, signal)
				);
				const downloadCpu = (await cpu.seconds()) - cpuBefore;
				if ((await hashFile(downloaded)) !== sourceHash) {
					throw new Error('the downloaded file differs from the uploaded one');
				}
				await rm(downloaded);
				const deleted = await member.socket.emitWithAck('file:delete', { id });
				if (!deleted.ok) throw new Error(deleted.error.message);
				rounds.push({
					copy: copySeconds,
					copyFile: copyFileSeconds,
					upload: uploadSeconds,
					download: downloadSeconds,
					uploadCpu,
					downloadCpu
				});
			}
			const peakGrowth = await memory.stop();
			member.socket.close();

			const rate = (seconds: number) => FILE_BYTES / MiB / seconds;
			const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1]!;
			const uploadRatio = median(rounds.map((r) => r.copy / r.upload));
			const downloadRatio = median(rounds.map((r) => r.copy / r.download));
			const mark = (ok: boolean) => (ok ? 'meets' : 'MISSES');
			const speeds = (pick: (r: (typeof rounds)[number]) => number) =>
				rounds.map((r) => rate(pick(r)).toFixed(0)).join(', ');
			return [
				`disk copy (stream)  ${fixed(median(rounds.map((r) => rate(r.copy))))} MiB/s  rounds: ${speeds((r) => r.copy)}`,
				`upload (tus)        ${fixed(median(rounds.map((r) => rate(r.upload))))} MiB/s  rounds: ${speeds((r) => r.upload)}  →  ${uploadRatio.toFixed(2)}× disk copy (${mark(uploadRatio >= 0.8)} target ≥ 0.8×)`,
				`download (GET)      ${fixed(median(rounds.map((r) => rate(r.download))))} MiB/s  rounds: ${speeds((r) => r.download)}  →  ${downloadRatio.toFixed(2)}× disk copy (${mark(downloadRatio >= 0.8)} target ≥ 0.8×)`,
				`server peak RSS growth  ${(peakGrowth / MiB).toFixed(1)} MiB over all rounds (${mark(peakGrowth < 50 * MiB)} target < 50 MiB)`,
				`server CPU per GiB (unaffected by other load): upload ${median(rounds.map((r) => r.uploadCpu)).toFixed(2)} s, download ${median(rounds.map((r) => r.downloadCpu)).toFixed(2)} s`,
				`fs.copyFile, for reference: ${fixed(median(rounds.map((r) => rate(r.copyFile))))} MiB/s (a kernel-side copy; no server can receive bytes that way)`,
				`ratios are medians of ${ROUNDS} rounds, each against its own copy; uploads in ${UPLOAD_CHUNK_BYTES / MiB} MiB PATCHes as browsers send them; every download verified by sha256; load average ${loadBefore.toFixed(1)} → ${loadavg()[0]!.toFixed(1)} on ${cpus().length} cores`
			];
		} finally {
			if (server && server.exitCode === null) {
				const exited = new Promise((resolve) => server!.once('exit', resolve));
				server.kill('SIGTERM');
				await exited;
			}
			rmSync(scratch, { recursive: true, force: true });
		}
	}
};

const fixed = (value: number) => value.toFixed(0).padStart(5);

/**
 * Times one phase. Dirty pages from the phase before are written out first (`sync`), or the
 * kernel's writeback would slow whichever phase happens to run next.
 */
async function timed(work: () => Promise<unknown>): Promise<number> {
	spawnSync('sync');
	const started = process.hrtime.bigint();
	await work();
	return Number(process.hrtime.bigint() - started) / 1e9;
}

async function writeRandomFile(path: string, bytes: number): Promise<string> {
	const hash = createHash('sha256');
	const block = Buffer.alloc(16 * MiB);
	const file = await open(path, 'w');
	try {
		for (let written = 0; written < bytes; written += block.length) {
			randomFillSync(block);
			hash.update(block);
			await file.write(block);
		}
	} finally {
		await file.close();
	}
	return hash.digest('hex');
}

async function hashFile(path: string): Promise<string> {
	const hash = createHash('sha256');
	await pipeline(createReadStream(path, { highWaterMark: 4 * MiB }), hash);
	return hash.digest('hex');
}

/** The baseline: bytes through user space, read and written in the same batches as the store. */
function streamCopy(from: string, to: string): Promise<void> {
	return pipeline(
		createReadStream(from, { highWaterMark: MiB }),
		createWriteStream(to, { highWaterMark: 4 * MiB })
	);
}

async function startServer(scratch: string, signal: AbortSignal) {
	// The server needs a built app to start; the benchmark never asks for it.
	const staticDir = join(scratch, 'static');
	await mkdir(staticDir);
	await writeFile(join(staticDir, 'index.html'), '<!doctype html>');
	const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'server/index.ts')], {
		cwd: root,
		env: {
			...process.env,
			HOST: '127.0.0.1',
			PORT: '0',
			QUIET: '1',
			STATIC_DIR: staticDir,
			UPLOAD_DIR: join(scratch, 'uploads')
		},
		stdio: ['ignore', 'pipe', 'inherit'],
		signal
	});
	child.on('error', () => {});
	const url = await new Promise<string>((resolve, reject) => {
		let text = '';
		child.stdout!.on('data', (chunk: Buffer) => {
			text += chunk.toString();
			const match = /running on (http:\/\/\S+)/.exec(text);
			if (match) resolve(match[1]!);
		});
		child.once('exit', (code) => reject(new Error(`the server exited (${code})`)));
	});
	return { child, url };
}

async function joinRoom(url: string) {
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
async function tusUpload(url: string, token: string, path: string, signal: AbortSignal) {
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

async function downloadTo(
	url: string,
	token: string,
	id: string,
	path: string,
	signal: AbortSignal
) {
	await new Promise<void>((resolve, reject) => {
		const get = request(new URL(fileDownloadPath(id, token), url), { signal }, (response) => {
			if (response.statusCode !== 200)
				return reject(new Error(`GET answered ${response.statusCode}`));
			pipeline(response, createWriteStream(path, { highWaterMark: 4 * MiB })).then(resolve, reject);
		});
		get.on('error', reject);
		get.end();
	});
}

/**
 * The server's resident memory from /proc: the kernel's high-water mark (VmHWM, reset at the
 * start) and samples every 20 ms, so a short peak between samples still counts.
 */
class MemoryWatch {
	readonly #pid: number;
	#baseline = 0;
	#peak = 0;
	#timer: NodeJS.Timeout | undefined;

	constructor(pid: number) {
		this.#pid = pid;
	}

	async #read(field: 'VmRSS' | 'VmHWM'): Promise<number> {
		const status = await readFile(`/proc/${this.#pid}/status`, 'utf8');
		return Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1] ?? 0) * 1024;
	}

	async start(): Promise<void> {
		// Writing 5 to clear_refs resets the high-water mark to the current RSS (Linux ≥ 4.0).
		await writeFile(`/proc/${this.#pid}/clear_refs`, '5').catch(() => {});
		this.#baseline = await this.#read('VmRSS');
		this.#peak = this.#baseline;
		this.#timer = setInterval(() => {
			void this.#read('VmRSS').then((rss) => (this.#peak = Math.max(this.#peak, rss)));
		}, 20);
	}

	async stop(): Promise<number> {
		clearInterval(this.#timer);
		const highWater = await this.#read('VmHWM');
		return Math.max(this.#peak, highWater) - this.#baseline;
	}
}

/** CPU seconds (user + system) the server process has used, from /proc/<pid>/stat. */
class CpuWatch {
	readonly #pid: number;
	readonly #ticksPerSecond = Number(spawnSync('getconf', ['CLK_TCK']).stdout.toString()) || 100;

	constructor(pid: number) {
		this.#pid = pid;
	}

	async seconds(): Promise<number> {
		const stat = await readFile(`/proc/${this.#pid}/stat`, 'utf8');
		// Fields after the command name, which may itself contain spaces: utime is the 12th.
		const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
		return (Number(fields[11]) + Number(fields[12])) / this.#ticksPerSecond;
	}
}
