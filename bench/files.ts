/**
 * The file store over loopback with a 1 GiB file: upload (tus, in the chunks a browser sends)
 * and download throughput, each against a plain disk copy of the same file made in the same
 * run, and how much the server's resident memory grows while it moves the gigabyte. The
 * server runs as its own process, as `npm start` runs it, so its RSS is its own.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomFillSync } from 'node:crypto';
import { createReadStream, createWriteStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { copyFile, open, rm, statfs } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { UPLOAD_CHUNK_BYTES } from '../src/lib/protocol.ts';
import {
	downloadTo,
	hasCurl,
	joinRoom,
	plainDownload,
	plainUpload,
	startPlainServer,
	startServer,
	tusUpload
} from './servers.ts';
import { CpuWatch, MemoryWatch, type CpuTime } from './proc.ts';
import type { Benchmark } from './run.ts';
import { median } from './median.ts';

const FILE_BYTES = 2 ** 30;
/** Downloads are fetched as a browser fetches them, by native code, where curl is installed. */
const downloadClient = hasCurl ? 'curl' : 'node';
const MiB = 2 ** 20;
/** Rounds of copy, upload and download; ratios are taken within a round, then the median. */
const ROUNDS = 5;

/**
 * Seconds until the last byte was handed to the kernel (it may still sit in the page cache),
 * and until it was on the disk (after sync). With RAM to spare, a 1 GiB write never waits for
 * the disk: the first figure then measures memory copies, the second the disk.
 */
interface Timing {
	cached: number;
	durable: number;
}

interface Round {
	copy: Timing;
	copyFile: number;
	upload: Timing;
	download: Timing;
	plainUpload: number;
	plainDownload: number;
	uploadCpu: CpuTime;
	downloadCpu: CpuTime;
	plainUploadCpu: CpuTime;
	plainDownloadCpu: CpuTime;
}

export const filesBenchmark: Benchmark = {
	name: 'files: 1 GiB over loopback',
	deadlineSeconds: 600,
	async run(signal) {
		const scratch = mkdtempSync(join(tmpdir(), 'dropcall-bench-'));
		const children: ChildProcess[] = [];
		try {
			const stats = await statfs(scratch);
			// The source, a copy or a download, the stored upload, the plain server's copy, and
			// the server's free margin.
			const needed = 5 * FILE_BYTES;
			if (stats.bavail * stats.bsize < needed) {
				throw new Error(`needs ${needed / 2 ** 30} GiB free in ${tmpdir()}`);
			}
			const loadBefore = loadavg()[0]!;
			const source = join(scratch, 'source.bin');
			const sourceHash = await writeRandomFile(source, FILE_BYTES);
			const copy = join(scratch, 'copy.bin');
			const downloaded = join(scratch, 'downloaded.bin');

			const dropcall = await startServer(scratch, signal);
			children.push(dropcall.child);
			const plain = await startPlainServer(scratch, signal);
			children.push(plain.child);
			const member = await joinRoom(dropcall.url);
			// Warm up the code paths so the figures measure streaming, not first-call compiling.
			const warmUp = join(scratch, 'warm-up.bin');
			writeFileSync(warmUp, randomFillSync(Buffer.alloc(8 * MiB)));
			const warmId = await tusUpload(dropcall.url, member.token, warmUp, signal);
			await downloadTo(
				downloadClient,
				dropcall.url,
				member.token,
				warmId,
				join(scratch, 'warm.bin'),
				signal
			);

			// Another process busy on the machine slows whichever phase it overlaps, so each round
			// measures the copy right next to the transfers it is compared with.
			const rounds: Round[] = [];
			const cpu = new CpuWatch(dropcall.child.pid!);
			const plainCpu = new CpuWatch(plain.child.pid!);
			const memory = new MemoryWatch(dropcall.child.pid!);
			await memory.start();
			for (let round = 0; round < ROUNDS; round++) {
				signal.throwIfAborted();
				const copySeconds = await timed(() => streamCopy(source, copy));
				await rm(copy);
				const copyFileSeconds = (await timed(() => copyFile(source, copy))).cached;
				await rm(copy);
				let id = '';
				let uploadCpu: CpuTime | undefined;
				const uploadSeconds = await timed(async () => {
					uploadCpu = await cpu.during(async () => {
						id = await tusUpload(dropcall.url, member.token, source, signal);
					});
				});
				let downloadCpu: CpuTime | undefined;
				const downloadSeconds = await timed(async () => {
					downloadCpu = await cpu.during(() =>
						downloadTo(downloadClient, dropcall.url, member.token, id, downloaded, signal)
					);
				});
				await verifyAndRemove(downloaded, sourceHash);
				const deleted = await member.socket.emitWithAck('file:delete', { id });
				if (!deleted.ok) throw new Error(deleted.error.message);
				let plainUploadCpu: CpuTime | undefined;
				const plainUploadSeconds = (
					await timed(async () => {
						plainUploadCpu = await plainCpu.during(() => plainUpload(plain.url, source, signal));
					})
				).cached;
				let plainDownloadCpu: CpuTime | undefined;
				const plainDownloadSeconds = (
					await timed(async () => {
						plainDownloadCpu = await plainCpu.during(() =>
							plainDownload(downloadClient, plain.url, downloaded, signal)
						);
					})
				).cached;
				await rm(downloaded);
				rounds.push({
					copy: copySeconds,
					copyFile: copyFileSeconds,
					upload: uploadSeconds,
					download: downloadSeconds,
					plainUpload: plainUploadSeconds,
					plainDownload: plainDownloadSeconds,
					uploadCpu: uploadCpu!,
					downloadCpu: downloadCpu!,
					plainUploadCpu: plainUploadCpu!,
					plainDownloadCpu: plainDownloadCpu!
				});
			}
			const peakGrowth = await memory.stop();
			member.socket.close();
			return report(rounds, peakGrowth, loadBefore);
		} finally {
			for (const child of children.filter((child) => child.exitCode === null)) {
				const exited = new Promise((resolve) => child.once('exit', resolve));
				child.kill('SIGTERM');
				await exited;
			}
			rmSync(scratch, { recursive: true, force: true });
		}
	}
};

function report(rounds: Round[], peakGrowth: number, loadBefore: number): string[] {
	const rate = (seconds: number) => FILE_BYTES / MiB / seconds;
	const speed = (pick: (round: Round) => number) => fixed(median(rounds.map((r) => rate(pick(r)))));
	const each = (pick: (round: Round) => number) =>
		rounds.map((r) => rate(pick(r)).toFixed(0)).join(', ');
	// Each ratio compares two figures of the same round, then takes the median over rounds.
	const ratio = (pick: (round: Round) => number, base: (round: Round) => number) =>
		median(rounds.map((r) => base(r) / pick(r)));
	const mark = (ok: boolean) => (ok ? 'meets' : 'MISSES');
	const cpuTime = (pick: (round: Round) => CpuTime) =>
		`${median(rounds.map((r) => pick(r).user)).toFixed(2)} + ${median(rounds.map((r) => pick(r).system)).toFixed(2)} s`;
	const phase = (label: string, pick: (round: Round) => Timing, plain?: (r: Round) => number) => {
		const onDisk = ratio(
			(r) => pick(r).durable,
			(r) => r.copy.durable
		);
		const cached = ratio(
			(r) => pick(r).cached,
			(r) => r.copy.cached
		);
		return [
			`${label.padEnd(21)}${speed((r) => pick(r).durable)} MiB/s on disk, ${speed((r) => pick(r).cached).trim()} MiB/s into the page cache; rounds on disk: ${each((r) => pick(r).durable)}`,
			`   ${onDisk.toFixed(2)}× the disk copy on disk (${mark(onDisk >= 0.8)} target ≥ 0.8×); ${cached.toFixed(2)}× it into the page cache` +
				(plain ? `; ${ratio((r) => pick(r).cached, plain).toFixed(2)}× plain Node HTTP` : '')
		];
	};
	return [
		`disk copy (stream)   ${speed((r) => r.copy.durable)} MiB/s on disk, ${speed((r) => r.copy.cached).trim()} MiB/s into the page cache; rounds on disk: ${each((r) => r.copy.durable)}`,
		...phase(
			'upload (tus)',
			(r) => r.upload,
			(r) => r.plainUpload
		),
		...phase(
			`download (GET, ${downloadClient})`,
			(r) => r.download,
			(r) => r.plainDownload
		),
		`server peak RSS growth  ${(peakGrowth / MiB).toFixed(1)} MiB over all rounds (${mark(peakGrowth < 50 * MiB)} target < 50 MiB)`,
		`server CPU time per GiB, user + kernel: upload ${cpuTime((r) => r.uploadCpu)}, download ${cpuTime((r) => r.downloadCpu)}; plain Node HTTP upload ${cpuTime((r) => r.plainUploadCpu)}, download ${cpuTime((r) => r.plainDownloadCpu)}. Kernel time includes allocating the page cache, which swings widely from phase to phase on a busy virtual machine`,
		`for reference, into the page cache: plain Node HTTP (bench/plain-server.ts) up ${speed((r) => r.plainUpload).trim()}, down ${speed((r) => r.plainDownload).trim()} MiB/s; fs.copyFile ${speed((r) => r.copyFile).trim()} MiB/s (kernel-side, no socket involved)`,
		`"on disk" counts until sync returns, "into the page cache" until the last write returns; medians of ${ROUNDS} rounds; uploads in ${UPLOAD_CHUNK_BYTES / MiB} MiB PATCHes as browsers send them; every download verified by sha256; load average ${loadBefore.toFixed(1)} → ${loadavg()[0]!.toFixed(1)} on ${cpus().length} cores`
	];
}

const fixed = (value: number) => value.toFixed(0).padStart(5);

/**
 * Times one phase, until its bytes are handed to the kernel and until they are on the disk.
 * Dirty pages from the phase before are written out first, or the kernel's writeback would
 * slow whichever phase happens to run next.
 */
async function timed(work: () => Promise<unknown>): Promise<Timing> {
	await sync();
	const started = process.hrtime.bigint();
	const seconds = () => Number(process.hrtime.bigint() - started) / 1e9;
	await work();
	const cached = seconds();
	await sync();
	return { cached, durable: seconds() };
}

/**
 * Not spawnSync: a blocked event loop misses Socket.IO heartbeats, and a member who stops
 * answering them loses their seat and their files.
 */
function sync(): Promise<unknown> {
	return new Promise((resolve) => spawn('sync').once('exit', resolve));
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

async function verifyAndRemove(path: string, expectedHash: string): Promise<void> {
	if ((await hashFile(path)) !== expectedHash) {
		throw new Error('the downloaded file differs from the uploaded one');
	}
	await rm(path);
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
