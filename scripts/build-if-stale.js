// Builds the app when build/ is missing or was made from other sources, so `npm start` on a
// fresh clone or after a `git pull` always serves what the sources say.
// With --force it builds whatever the stamp says (`npm run build`).
// Either way the build is made aside and swapped in whole (build-swap.js): a server running
// meanwhile keeps answering from the old build until the new one is complete.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { STAMP_FILE, linkName, prepareStaging, publishBuild, withBuildLock } from './build-swap.js';

const root = join(import.meta.dirname, '..');
const stampPath = join(root, linkName, STAMP_FILE);
const inputs = [
	'src',
	'static',
	'svelte.config.js',
	'vite.config.ts',
	'package-lock.json',
	'server/app.ts',
	'messages',
	'project.inlang/settings.json'
];
// Made from messages/ and project.inlang (inputs above) by `npm run i18n` and again, with the
// app's own strategy, by the build itself: hashing it made every build after an `npm run i18n`
// look stale, so the tests rebuilt the unchanged app each run.
const generated = new Set([join(root, 'src', 'lib', 'paraglide')]);

/** @param {string} path @returns {Generator<string>} */
function* files(path) {
	if (!existsSync(path) || generated.has(path)) return;
	if (statSync(path).isDirectory()) {
		for (const entry of readdirSync(path).sort()) yield* files(join(path, entry));
	} else {
		yield path;
	}
}

function sourceHash() {
	const hash = createHash('sha256');
	for (const input of inputs) {
		for (const file of files(join(root, input))) {
			hash.update(relative(root, file)).update('\0').update(readFileSync(file)).update('\0');
		}
	}
	return hash.digest('hex');
}

const isForced = process.argv.includes('--force');
const stamped = () => (existsSync(stampPath) ? readFileSync(stampPath, 'utf8') : '');

if (isForced || stamped() !== sourceHash()) {
	withBuildLock(root, () => {
		// Read again inside the lock: a build that finished meanwhile may have made this one moot.
		const current = sourceHash();
		if (!isForced && stamped() === current) return;
		if (!isForced)
			console.log('Building Dropcall (the build is missing or older than the sources)…');
		prepareStaging(root);
		const vite = join(root, 'node_modules', '.bin', 'vite');
		const result = spawnSync(vite, ['build', '--logLevel', 'warn'], {
			cwd: root,
			stdio: 'inherit'
		});
		// Failed: the lock is released and build/ stays as it was.
		if (result.status !== 0) process.exitCode = result.status ?? 1;
		else publishBuild(root, current);
	});
}
