import adapter from '@sveltejs/adapter-static';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';
import { stagingFolder } from './scripts/build-swap.js';

/** @type {import('@sveltejs/kit').Config} */
const config = {
	preprocess: vitePreprocess(),
	kit: {
		// Every page renders in the browser; the Node server serves this fallback for any app route.
		// Written aside and swapped into build/ whole by scripts/build-if-stale.js, so a running
		// server never serves half a build.
		adapter: adapter({
			pages: stagingFolder,
			assets: stagingFolder,
			fallback: 'index.html',
			precompress: true
		}),
		// @vite-pwa/sveltekit builds and registers the service worker (src/service-worker.ts).
		serviceWorker: { register: false }
	}
};

export default config;
