/**
 * Serves the built app. build/ is a link that a rebuild swaps to a new folder at once
 * (scripts/build-swap.js), so the link is resolved again after each change to it, and each build
 * folder gets its own file index: sirv reads a folder's file list, sizes and ETags once, and a
 * list read from one build must never describe the files of another.
 */
import { existsSync, readFileSync, realpathSync, watch } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import sirv from 'sirv';
import { contentSecurityPolicy, sendJson, type Handler } from './http.ts';

/**
 * Builds kept in memory, newest last: the one served now and the ones before it, whose hashed
 * scripts pages opened before a swap still load (the swap keeps as many on disk).
 */
const KEPT_BUILDS = 3;
const IMMUTABLE = '/_app/immutable/';

type RequestHandler = ReturnType<typeof sirv>;

interface Build {
	folder: string;
	/** The app's files, with the single-page fallback for app routes. */
	serve: RequestHandler;
	/** Only the files that exist: a missing script must be a 404, never the page. */
	serveFile: RequestHandler;
	/** The policy allowing this build's inline boot script by its hash. */
	csp: string;
}

export interface StaticApp {
	handler: Handler;
	/** The policy of the build served now, for every response. */
	csp: () => string;
}

function setHeaders(response: { setHeader(name: string, value: string): unknown }, path: string) {
	// Hashed file names never change content; everything else must be revalidated.
	response.setHeader(
		'Cache-Control',
		path.startsWith(IMMUTABLE) ? 'public, max-age=31536000, immutable' : 'no-cache'
	);
}

function loadBuild(folder: string): Build {
	const options = {
		etag: true,
		// The build writes .br and .gz beside each file; sirv sends the best one the browser takes.
		brotli: true,
		gzip: true,
		setHeaders
	};
	return {
		folder,
		serve: sirv(folder, { ...options, single: 'index.html' }),
		serveFile: sirv(folder, options),
		csp: contentSecurityPolicy(readFileSync(join(folder, 'index.html'), 'utf8'))
	};
}

/** Serves the built app; any app route without a file gets the single-page fallback. */
export function staticApp(dir: string): StaticApp {
	if (!existsSync(join(dir, 'index.html'))) {
		throw new Error(`No built app in ${dir}: run "npm run build" (npm start does it for you)`);
	}
	const builds: Build[] = [];
	// Resolving the link is a blocking file-system call, and every request asks for the build
	// (its policy goes on every response): it is resolved again only after the link changed.
	let served: Build | undefined;
	let canWatch = true;
	try {
		watch(dirname(dir), { persistent: false }, (_event, name) => {
			if (name === null || name === basename(dir)) served = undefined;
		}).on('error', () => (canWatch = false));
	} catch {
		canWatch = false; // then resolved on every request: as correct, only slower
	}

	function current(): Build {
		if (served && canWatch) return served;
		let folder: string;
		try {
			folder = realpathSync(dir);
		} catch {
			// Only while an old build/ folder is moved aside for the first link: keep serving.
			return builds.at(-1)!;
		}
		served = builds.find((build) => build.folder === folder);
		if (served) return served;
		served = loadBuild(folder);
		builds.push(served);
		if (builds.length > KEPT_BUILDS) builds.shift();
		return served;
	}
	current();

	/** An earlier build's hashed file, for a page opened before the swap. */
	function fromEarlierBuilds(exclude: Build, ...args: Parameters<Handler>) {
		const [request, response, next] = args;
		const earlier = builds.filter((build) => build !== exclude && existsSync(build.folder));
		const tryBuild = (index: number): void => {
			const build = earlier[earlier.length - 1 - index];
			if (!build) return next();
			build.serveFile(request, response, () => tryBuild(index + 1));
		};
		tryBuild(0);
	}

	return {
		csp: () => current().csp,
		handler: (request, response, next) => {
			// sirv would answer any method with the page; a POST or PUT here is a mistake to say.
			if (request.method !== 'GET' && request.method !== 'HEAD') {
				response.setHeader('Allow', 'GET, HEAD');
				return sendJson(response, 405, { ok: false, error: 'Use GET' });
			}
			// One build answers the whole request, its policy included, even if a swap happens now.
			const build = current();
			response.setHeader('Content-Security-Policy', build.csp);
			if (!request.url?.startsWith(IMMUTABLE)) return build.serve(request, response, next);
			build.serveFile(request, response, () => fromEarlierBuilds(build, request, response, next));
		}
	};
}
