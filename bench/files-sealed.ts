/**
 * Sealed files driven through the real page in headless Chromium: a 1 GiB file shared with
 * "Share files" (sealed in the page, uploaded with tus) and saved with "Download NAME" (opened
 * in the service worker on its way to disk), each timed against the unsealed path in the same
 * run: the same File sent by the same page in the same 32 MiB PATCHes, and the same bytes
 * downloaded from their plain link. Memory is the growth of every Chromium process's resident
 * memory during each transfer, so a page that held the file would show it.
 *
 * `npm run bench -- files` runs it after the server-side file benchmark; `--sealed-mib 256`
 * runs it with a smaller file, `--sealed-rounds N` repeats the four transfers N times (3 unless
 * told) and reports medians, and a last `--sealed-private` in a private window instead of a
 * normal profile (see openBrowser).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash, randomFillSync } from 'node:crypto';
import { createReadStream, mkdtempSync, rmSync } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from '@playwright/test';
import { UPLOAD_CHUNK_BYTES } from '../src/lib/protocol.ts';
import { baseArgs, chromiumPath } from '../tests/e2e/browser.ts';
import { chromiumCpuSeconds, chromiumRss, cpuSecondsOf } from './proc.ts';
import {
	deleteShared,
	fileTokenOf,
	plainDownload,
	plainUpload,
	sealedDownload,
	sealedUpload
} from './sealed-transfers.ts';
import type { Benchmark } from './run.ts';
import { median } from './median.ts';

const MiB = 2 ** 20;
const root = join(import.meta.dirname, '..');
const flag = process.argv.indexOf('--sealed-mib');
const FILE_BYTES = (flag >= 0 ? Number(process.argv[flag + 1]) : 1024) * MiB;
const isPrivate = process.argv.includes('--sealed-private');
const roundsFlag = process.argv.indexOf('--sealed-rounds');
/** Transfers of each kind; one alone said more about the machine's minute than the path. */
const ROUNDS = roundsFlag >= 0 ? Number(process.argv[roundsFlag + 1]) : 3;

export const filesSealedBenchmark: Benchmark = {
	name: 'files sealed: 1 GiB through the page in headless Chromium',
	deadlineSeconds: 900,
	async run(signal) {
		const scratch = mkdtempSync(join(tmpdir(), 'dropcall-bench-sealed-'));
		let server: ChildProcess | undefined;
		const loadBefore = loadavg()[0]!;
		let version = '?';
		try {
			const source = join(scratch, 'big.bin');
			const sourceHash = await writeRandomFile(source, FILE_BYTES);
			// The page under test is the built app, as people get it.
			const built = spawnSync(process.execPath, ['scripts/build-if-stale.js'], {
				cwd: root,
				stdio: 'inherit'
			});
			if (built.status !== 0) throw new Error('the app did not build');
			const started = await startServer(join(scratch, 'uploads'), signal);
			server = started.child;
			const { url } = started;

			const rounds: Round[] = [];
			for (let round = 0; round < ROUNDS; round++) {
				// Each round writes gigabytes (uploads, chunk files, downloads): written out first,
				// so the disk's writeback of the last round does not slow this one's transfers.
				spawnSync('sync');
				// A browser of its own: in one browser the unsealed download of later rounds ran at
				// half the first's speed for twice its CPU, whatever the sealed path did.
				const browser = await openBrowser(join(scratch, `profile-${round}`));
				version = browser.version;
				try {
					rounds.push(await measureRound(browser.context, url, source, sourceHash, server.pid!));
				} finally {
					await browser.close();
				}
			}
			const of = (pick: (round: Round) => Measured) => ({
				seconds: median(rounds.map((round) => pick(round).seconds)),
				cpuSeconds: median(rounds.map((round) => pick(round).cpuSeconds)),
				serverCpuSeconds: median(rounds.map((round) => pick(round).serverCpuSeconds)),
				grownBytes: Math.max(...rounds.map((round) => pick(round).grownBytes))
			});
			const [plainUp, sealedUp, plainDown, sealedDown] = [
				of((round) => round.plainUp),
				of((round) => round.sealedUp),
				of((round) => round.plainDown),
				of((round) => round.sealedDown)
			];
			const rate = (seconds: number) => `${Math.round(FILE_BYTES / MiB / seconds)} MiB/s`;
			// Each round's ratio is of two transfers a few seconds apart, so a machine shared with
			// others slows both; the median of those ratios is the figure.
			const ratios = (sealed: (round: Round) => Measured, plain: (round: Round) => Measured) => {
				const each = rounds.map((round) => plain(round).seconds / sealed(round).seconds);
				return `${median(each).toFixed(2)}× (rounds ${each.map((r) => r.toFixed(2)).join(', ')})`;
			};
			const perGiB = (seconds: number) => `${((seconds * 1024 * MiB) / FILE_BYTES).toFixed(1)} s`;
			const grown = (bytes: number) => `${Math.round(bytes / MiB)} MiB`;
			return [
				`file: ${FILE_BYTES / MiB} MiB, Chromium ${version}, ${UPLOAD_CHUNK_BYTES / MiB} MiB PATCHes, ${isPrivate ? 'a private window' : 'a normal profile'}, medians of ${ROUNDS} rounds`,
				`upload   unsealed ${rate(plainUp.seconds)}, sealed ${rate(sealedUp.seconds)}: ` +
					`${ratios(
						(round) => round.sealedUp,
						(round) => round.plainUp
					)} (target ≥ 0.8×)`,
				`download unsealed ${rate(plainDown.seconds)}, sealed ${rate(sealedDown.seconds)}: ` +
					`${ratios(
						(round) => round.sealedDown,
						(round) => round.plainDown
					)} (target ≥ 0.8×), sha256 identical`,
				`Chromium memory growth, most in a round: sealed upload ${grown(sealedUp.grownBytes)}, sealed download ` +
					`${grown(sealedDown.grownBytes)} (target < 200 MiB); unsealed ` +
					`${grown(plainUp.grownBytes)} / ${grown(plainDown.grownBytes)}`,
				`Chromium CPU per GiB: upload unsealed ${perGiB(plainUp.cpuSeconds)}, sealed ` +
					`${perGiB(sealedUp.cpuSeconds)}; download unsealed ${perGiB(plainDown.cpuSeconds)}, ` +
					`sealed ${perGiB(sealedDown.cpuSeconds)} (a machine shared with others slows the ` +
					`clock, not these)`,
				`server CPU per GiB: upload unsealed ${perGiB(plainUp.serverCpuSeconds)}, sealed ` +
					`${perGiB(sealedUp.serverCpuSeconds)}; download unsealed ` +
					`${perGiB(plainDown.serverCpuSeconds)}, sealed ${perGiB(sealedDown.serverCpuSeconds)}`,
				`load average ${loadBefore.toFixed(1)} → ${loadavg()[0]!.toFixed(1)} on ${cpus().length} cores`
			];
		} finally {
			server?.kill();
			rmSync(scratch, { recursive: true, force: true });
		}
	}
};

async function startServer(uploadDir: string, signal: AbortSignal) {
	const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'server/index.ts')], {
		cwd: root,
		env: {
			...process.env,
			HOST: '127.0.0.1',
			PORT: '0',
			QUIET: process.env.BENCH_VERBOSE ? '' : '1',
			UPLOAD_DIR: uploadDir,
			MAX_FILE_BYTES: '4GiB',
			MAX_ROOM_BYTES: '8GiB',
			MAX_STORE_BYTES: '8GiB'
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

/** One round in a fresh browser: Ana and Bo in a call, and the four transfers timed. */
async function measureRound(
	context: BrowserContext,
	url: string,
	source: string,
	sourceHash: string,
	serverPid: number
): Promise<Round> {
	const [ana, bo] = [await context.newPage(), await context.newPage()];
	if (process.env.BENCH_VERBOSE) {
		for (const [who, page] of [
			['ana', ana],
			['bo', bo]
		] as const) {
			page.on('console', (message) => console.error(who, message.type(), message.text()));
			page.on('framenavigated', (frame) => console.error(who, 'navigated', frame.url()));
			page.on('crash', () => console.error(who, 'crashed'));
		}
	}
	const anaToken = fileTokenOf(ana);
	const boToken = fileTokenOf(bo);
	await ana.goto(url);
	await ana.getByRole('textbox', { name: 'Your name' }).fill('Ana');
	await ana.getByRole('button', { name: 'Create room' }).click();
	await ana.getByRole('button', { name: 'Join' }).click();
	await bo.goto(ana.url());
	await bo.getByRole('textbox', { name: 'Your name' }).fill('Bo');
	await bo.getByRole('button', { name: 'Join' }).click();
	for (const page of [ana, bo]) {
		await page.getByRole('button', { name: 'Leave' }).waitFor();
		// The service worker takes the page once installed; sealed downloads need it.
		await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
		const people = page.getByRole('button', { name: /^People/ });
		if ((await people.getAttribute('aria-expanded')) === 'false') await people.click();
	}
	await ana.evaluate(() => {
		const input = Object.assign(document.createElement('input'), { type: 'file' });
		input.id = 'bench-file';
		input.hidden = true;
		document.body.append(input);
	});
	await ana.setInputFiles('#bench-file', source);

	const memory = new ChromiumMemory(serverPid);
	const plainUp = await memory.during(() => plainUpload(ana, anaToken()));
	const sealedUp = await memory.during(() => sealedUpload(ana, bo));
	const plainDown = await memory.during(() => plainDownload(bo, boToken(), plainUp.value));
	const sealedDown = await memory.during(() => sealedDownload(bo));
	// Checked after the clock stopped: the unsealed download is not hashed either.
	const saved = sealedDown.value;
	const [savedHash, { size: savedBytes }] = [await hashFile(saved.path), await stat(saved.path)];
	await saved.delete();
	if (savedHash !== sourceHash || savedBytes !== FILE_BYTES) {
		throw new Error('the sealed download is not the file that was shared');
	}
	// Ana's files go when she leaves; deleted now, the next round's server holds no more.
	await deleteShared(ana, bo);
	return { plainUp, sealedUp, plainDown, sealedDown };
}

/**
 * A normal profile, as people have, unless `--sealed-private`: Playwright's own contexts are
 * private windows, where Chromium keeps the origin's private file system (where sealed chunks
 * wait to be sent) in the browser's memory and takes every write through the browser process,
 * which no person's normal window does.
 */
async function openBrowser(profile: string) {
	const options = { executablePath: chromiumPath(), args: baseArgs, acceptDownloads: true };
	if (!isPrivate) {
		const context = await chromium.launchPersistentContext(profile, options);
		return { context, version: context.browser()?.version() ?? '?', close: () => context.close() };
	}
	const browser = await chromium.launch(options);
	const context = await browser.newContext({ acceptDownloads: true });
	return { context, version: browser.version(), close: () => browser.close() };
}

interface Measured {
	seconds: number;
	cpuSeconds: number;
	serverCpuSeconds: number;
	grownBytes: number;
}

interface Round {
	plainUp: Measured;
	sealedUp: Measured;
	plainDown: Measured;
	sealedDown: Measured;
}

/** Resident memory of every Chromium process this benchmark started, sampled while it works. */
class ChromiumMemory {
	readonly #serverPid: number;

	constructor(serverPid: number) {
		this.#serverPid = serverPid;
	}

	async during<T>(work: () => Promise<T>) {
		const before = chromiumRss();
		const cpuBefore = chromiumCpuSeconds();
		const serverCpuBefore = cpuSecondsOf(this.#serverPid);
		let peak = before;
		const timer = setInterval(() => (peak = Math.max(peak, chromiumRss())), 200);
		const started = performance.now();
		try {
			const value = await work();
			return {
				value,
				seconds: (performance.now() - started) / 1000,
				cpuSeconds: chromiumCpuSeconds() - cpuBefore,
				serverCpuSeconds: cpuSecondsOf(this.#serverPid) - serverCpuBefore,
				grownBytes: Math.max(0, peak - before)
			};
		} finally {
			clearInterval(timer);
		}
	}
}

async function writeRandomFile(path: string, bytes: number): Promise<string> {
	const file = await open(path, 'w');
	const hash = createHash('sha256');
	const block = Buffer.alloc(16 * MiB);
	try {
		for (let written = 0; written < bytes; written += block.length) {
			const part = block.subarray(0, Math.min(block.length, bytes - written));
			randomFillSync(part);
			hash.update(part);
			await file.write(part);
		}
	} finally {
		await file.close();
	}
	return hash.digest('hex');
}

function hashFile(path: string): Promise<string> {
	return new Promise((resolve, reject) => {
		const hash = createHash('sha256');
		createReadStream(path)
			.on('data', (chunk) => hash.update(chunk))
			.on('end', () => resolve(hash.digest('hex')))
			.on('error', reject);
	});
}
