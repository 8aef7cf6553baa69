import { createHash } from 'node:crypto';
import {
	existsSync,
	lstatSync,
	mkdirSync,
	mkdtempSync,
	readdirSync,
	readFileSync,
	realpathSync,
	rmSync,
	writeFileSync
} from 'node:fs';
import { spawnSync } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
	KEPT_BUILDS,
	STAMP_FILE,
	buildsFolder,
	prepareStaging,
	publishBuild,
	withBuildLock
} from '../../scripts/build-swap.js';
import { notFound, securityHeaders } from '../../server/http';
import { staticApp } from '../../server/static-app';

/**
 * A stand-in for `vite build`: a page whose inline boot script and module script name the
 * version, each written with its precompressed twins, in sizes that differ between versions
 * (a size remembered from another build shows as a cut or padded body).
 */
function fakeBuildStep(root: string, version: number): void {
	const staging = prepareStaging(root);
	const write = (path: string, text: string) => {
		mkdirSync(join(staging, path, '..'), { recursive: true });
		writeFileSync(join(staging, path), text);
		writeFileSync(join(staging, `${path}.gz`), gzipSync(text));
		writeFileSync(join(staging, `${path}.br`), brotliCompressSync(text));
	};
	const padding = 'x'.repeat(version * 97);
	write(
		'index.html',
		`<!doctype html><script>boot("v${version}")</script>` +
			`<script type="module" src="/_app/immutable/entry-v${version}.js"></script><!--${padding}-->`
	);
	write(`_app/immutable/entry-v${version}.js`, `export const version = ${version}; // ${padding}`);
	write('service-worker.js', `const version = ${version}; // ${padding}`);
}

function build(root: string, version: number): void {
	fakeBuildStep(root, version);
	publishBuild(root, `sources-${version}`);
}

const hashOf = (script: string) => createHash('sha256').update(script).digest('base64');
const encodings = ['identity', 'gzip', 'br'];

let root: string;
let http: Server | undefined;
beforeEach(() => {
	root = mkdtempSync(join(tmpdir(), 'dropcall-swap-'));
});
afterEach(async () => {
	if (http) await new Promise((resolve) => http!.close(resolve));
	http = undefined;
	rmSync(root, { recursive: true, force: true });
});

async function serve(): Promise<string> {
	const app = staticApp(join(root, 'build'));
	const headers = securityHeaders(() => app.csp());
	http = createServer((request, response) =>
		headers(request, response, () =>
			app.handler(request, response, () => notFound()(request, response, () => {}))
		)
	);
	await new Promise<void>((resolve) => http!.listen(0, '127.0.0.1', resolve));
	return `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
}

describe('a rebuild next to a running server', () => {
	it('swaps in whole: every request gets one build, consistent, with a 200', async () => {
		build(root, 1);
		const url = await serve();
		const lastVersion = 12;
		let rounds = 0;
		let isSwapping = true;
		const seen = new Set<number>();
		const problems: string[] = [];

		const poll = async () => {
			while (isSwapping) {
				const encoding = encodings[rounds % encodings.length]!;
				const get = (path: string) =>
					fetch(url + path, { headers: { 'accept-encoding': encoding } });
				for (const path of ['/', '/r/some-room']) {
					const page = await get(path);
					const html = await page.text();
					const version = Number(/boot\("v(\d+)"\)/.exec(html)?.[1]);
					const policy = page.headers.get('content-security-policy') ?? '';
					if (page.status !== 200 || !version) {
						problems.push(`${path} (${encoding}): ${page.status} ${html.slice(0, 80)}`);
						continue;
					}
					seen.add(version);
					if (!html.endsWith(`${'x'.repeat(version * 97)}-->`)) {
						problems.push(`${path} (${encoding}): the page of v${version} is cut or padded`);
					}
					if (!policy.includes(`'sha256-${hashOf(`boot("v${version}")`)}'`)) {
						problems.push(`${path} (${encoding}): the policy does not allow v${version}`);
					}
					// What the page loads next, maybe from the build after it by now.
					const script = await get(`/_app/immutable/entry-v${version}.js`);
					const code = await script.text();
					if (script.status !== 200 || !code.startsWith(`export const version = ${version};`)) {
						problems.push(`entry-v${version} (${encoding}): ${script.status} ${code.slice(0, 40)}`);
					}
				}
				const worker = await get('/service-worker.js');
				const workerCode = await worker.text();
				if (worker.status !== 200 || !/^const version = (\d+); \/\/ x+$/.test(workerCode)) {
					problems.push(`service-worker.js (${encoding}): ${worker.status}`);
				}
				rounds += 1;
			}
		};
		const swap = async () => {
			for (let version = 2; version <= lastVersion; version += 1) {
				// A few rounds against each build, read while the next one is made beside it.
				const after = rounds + 2;
				await expect.poll(() => rounds, { interval: 1 }).toBeGreaterThanOrEqual(after);
				build(root, version);
			}
			const after = rounds + 2;
			await expect.poll(() => rounds, { interval: 1 }).toBeGreaterThanOrEqual(after);
			isSwapping = false;
		};
		await Promise.all([poll(), swap()]);

		expect(problems).toEqual([]);
		expect([...seen].sort((a, b) => a - b)).toEqual(
			Array.from({ length: lastVersion }, (_, index) => index + 1)
		);
	});

	it('keeps the newest builds, stamped, and build/ pointing at the last one', () => {
		for (let version = 1; version <= 5; version += 1) build(root, version);
		const builds = readdirSync(join(root, buildsFolder));
		expect(builds).toHaveLength(KEPT_BUILDS);
		expect(lstatSync(join(root, 'build')).isSymbolicLink()).toBe(true);
		expect(realpathSync(join(root, 'build'))).toBe(
			realpathSync(join(root, buildsFolder, builds.sort().at(-1)!))
		);
		expect(readFileSync(join(root, 'build', STAMP_FILE), 'utf8')).toBe('sources-5');
		expect(readFileSync(join(root, 'build', 'index.html'), 'utf8')).toContain('boot("v5")');
	});

	it('replaces a build/ folder made before builds were swapped in', () => {
		mkdirSync(join(root, 'build'));
		writeFileSync(join(root, 'build', 'index.html'), 'old');
		build(root, 1);
		expect(lstatSync(join(root, 'build')).isSymbolicLink()).toBe(true);
		expect(readFileSync(join(root, 'build', 'index.html'), 'utf8')).toContain('boot("v1")');
	});

	it('refuses to publish a build step that left no page', () => {
		prepareStaging(root);
		expect(() => publishBuild(root, 'sources')).toThrow(/no index\.html/);
		expect(existsSync(join(root, 'build'))).toBe(false);
	});

	it('builds one at a time, taking over the lock of a build that was killed', () => {
		const killed = spawnSync(process.execPath, ['-e', '0']).pid!;
		mkdirSync(join(root, buildsFolder, 'lock'), { recursive: true });
		writeFileSync(join(root, buildsFolder, 'lock', 'pid'), String(killed));
		const isLockedInside = withBuildLock(root, () => {
			build(root, 1);
			return existsSync(join(root, buildsFolder, 'lock'));
		});
		expect(isLockedInside).toBe(true);
		expect(existsSync(join(root, buildsFolder, 'lock'))).toBe(false);
		expect(readFileSync(join(root, 'build', STAMP_FILE), 'utf8')).toBe('sources-1');
	});
});
