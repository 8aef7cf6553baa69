// Publishes a finished build in one step, so a server running next to a rebuild never serves
// half of one. The app is built into a staging folder, moved to a folder of its own under
// .builds/, and build/ (a symbolic link) is pointed at it with a rename, which is atomic:
// every request sees either the old build or the new one, whole. The server resolves the link
// per request (server/http.ts), and a few older builds stay on disk for pages still open on
// them, which keep loading their hashed scripts after the swap.
import {
	existsSync,
	lstatSync,
	mkdirSync,
	readFileSync,
	readdirSync,
	readlinkSync,
	renameSync,
	rmSync,
	symlinkSync,
	writeFileSync
} from 'node:fs';
import { basename, join, resolve } from 'node:path';

/** Where every build lives; build/ links to one of them. */
export const buildsFolder = '.builds';
/** Where the build step writes (svelte.config.js points the static adapter here). */
export const stagingFolder = join(buildsFolder, 'next');
/** The link the server serves (config.staticDir). */
export const linkName = 'build';
/** The current build plus the ones before it that open pages may still load scripts from. */
export const KEPT_BUILDS = 3;
export const STAMP_FILE = '.source-hash';

let published = 0;

/** A folder name that sorts by publication order: time, then a counter within this process. */
function nextBuildName() {
	published += 1;
	return `${String(Date.now()).padStart(15, '0')}-${String(process.pid).padStart(7, '0')}-${String(published).padStart(6, '0')}`;
}

/**
 * Moves the finished build in the staging folder to a folder of its own, stamps it with the
 * sources it was made from, and swaps build/ to it at once. Returns the new build's folder.
 * @param {string} root the project folder
 * @param {string} stamp the sources' hash (see build-if-stale.js)
 */
export function publishBuild(root, stamp) {
	const staging = join(root, stagingFolder);
	if (!existsSync(join(staging, 'index.html'))) {
		throw new Error(`The build step left no index.html in ${staging}`);
	}
	const name = nextBuildName();
	const folder = join(root, buildsFolder, name);
	renameSync(staging, folder);
	writeFileSync(join(folder, STAMP_FILE), stamp);

	const link = join(root, linkName);
	const nextLink = `${link}.next-${process.pid}`;
	rmSync(nextLink, { force: true });
	// Relative, so the project folder can move; Windows makes directory links as junctions,
	// which need an absolute target.
	if (process.platform === 'win32') symlinkSync(folder, nextLink, 'junction');
	else symlinkSync(join(buildsFolder, name), nextLink);
	// build/ as a real folder (made before builds were swapped in) cannot be renamed over; it
	// is moved aside once, the only moment a request could find no build.
	if (existsSync(link) && !lstatSync(link).isSymbolicLink()) {
		// Named to sort as the oldest build, the first to go.
		renameSync(link, join(root, buildsFolder, `${'0'.repeat(15)}-replaced-${name}`));
	}
	renameSync(nextLink, link);
	pruneBuilds(root);
	return folder;
}

/**
 * Removes all but the newest KEPT_BUILDS builds, never the one build/ points to.
 * @param {string} root
 */
export function pruneBuilds(root) {
	const folder = join(root, buildsFolder);
	const current = basename(resolve(join(root, linkName, '..'), readlinkSync(join(root, linkName))));
	const builds = readdirSync(folder)
		.filter((name) => /^\d{15}-/.test(name))
		.sort()
		.reverse();
	for (const name of builds.slice(KEPT_BUILDS)) {
		if (name !== current) rmSync(join(folder, name), { recursive: true, force: true });
	}
}

/**
 * Empties the staging folder before a build step writes into it.
 * @param {string} root
 */
export function prepareStaging(root) {
	const staging = join(root, stagingFolder);
	rmSync(staging, { recursive: true, force: true });
	mkdirSync(join(root, buildsFolder), { recursive: true });
	return staging;
}

/** @param {number} pid */
function isRunning(pid) {
	try {
		process.kill(pid, 0);
		return true;
	} catch (error) {
		return /** @type {NodeJS.ErrnoException} */ (error).code === 'EPERM';
	}
}

/**
 * Runs one build at a time in this project: two builds at once would write into the same
 * staging folder (and SvelteKit's .svelte-kit/output). A second one waits for the first; the
 * lock of a build that was killed is taken over.
 * @template T
 * @param {string} root
 * @param {() => T} build
 * @returns {T}
 */
export function withBuildLock(root, build) {
	const lock = join(root, buildsFolder, 'lock');
	const owner = join(lock, 'pid');
	mkdirSync(join(root, buildsFolder), { recursive: true });
	let hasSaidWaiting = false;
	for (;;) {
		try {
			mkdirSync(lock);
			writeFileSync(owner, String(process.pid));
			break;
		} catch (error) {
			if (/** @type {NodeJS.ErrnoException} */ (error).code !== 'EEXIST') throw error;
		}
		const pid = Number(existsSync(owner) ? readFileSync(owner, 'utf8') : NaN);
		// A lock without its pid yet is being taken right now; one whose builder died is free.
		if (Number.isInteger(pid) && !isRunning(pid)) {
			rmSync(lock, { recursive: true, force: true });
			continue;
		}
		if (!hasSaidWaiting) console.log('Waiting for another build of Dropcall to finish…');
		hasSaidWaiting = true;
		Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 500);
	}
	try {
		return build();
	} finally {
		rmSync(lock, { recursive: true, force: true });
	}
}
