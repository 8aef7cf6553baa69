import adapter from '@sveltejs/adapter-static';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/** @type {import('@sveltejs/kit').Config} */
const config = {
	preprocess: vitePreprocess(),
	kit: {
		// Every page renders in the browser; the Node server serves this fallback for any app route.
		adapter: adapter({ fallback: 'index.html', precompress: true }),
		// @vite-pwa/sveltekit builds and registers the service worker (src/service-worker.ts).
		serviceWorker: { register: false }
	}
};

export default config;
