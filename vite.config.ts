import { paraglideVitePlugin } from '@inlang/paraglide-js';
import { sveltekit } from '@sveltejs/kit/vite';
import { SvelteKitPWA } from '@vite-pwa/sveltekit';
import { defineConfig, type Plugin } from 'vite';

/** `npm run dev`: the same server module as `npm start`, on Vite's own http.Server. */
function dropcallServer(): Plugin {
	return {
		name: 'dropcall-server',
		apply: 'serve',
		async configureServer(server) {
			if (!server.httpServer) return;
			const [{ createDropcall }, { readConfig }] = await Promise.all([
				import('./server/app.ts'),
				import('./server/config.ts')
			]);
			const dropcall = createDropcall(
				server.httpServer as import('node:http').Server,
				readConfig(),
				{ serveStatic: false }
			);
			server.middlewares.use(dropcall.handle);
		}
	};
}

export default defineConfig({
	plugins: [
		paraglideVitePlugin({
			project: './project.inlang',
			outdir: './src/lib/paraglide',
			// Remembered choice first, then the browser's languages, then English.
			strategy: ['localStorage', 'preferredLanguage', 'baseLocale']
		}),
		sveltekit(),
		SvelteKitPWA({
			strategies: 'injectManifest',
			srcDir: 'src',
			filename: 'service-worker.ts',
			// A new version waits for the person to press "Reload": a call is never cut short.
			registerType: 'prompt',
			injectRegister: false,
			// Registered from the root whatever page is opened first: a person arriving by an
			// invite link (/r/…) asked for /r/service-worker.js, which does not exist.
			base: '/',
			scope: '/',
			kit: { adapterFallback: 'index.html', spa: true },
			pwaAssets: { config: true, overrideManifestIcons: true },
			injectManifest: {
				globPatterns: ['client/**/*.{js,css,ico,png,svg,webp,webmanifest,woff2}']
			},
			manifest: {
				id: '/',
				name: 'Dropcall',
				short_name: 'Dropcall',
				description: 'Small group calls with chat and files that vanish when you leave.',
				start_url: '/',
				scope: '/',
				display: 'standalone',
				orientation: 'any',
				background_color: '#f6f7f9',
				theme_color: '#2f6fed',
				categories: ['communication', 'social', 'productivity'],
				launch_handler: { client_mode: ['focus-existing', 'auto'] },
				share_target: {
					action: '/share-target',
					method: 'POST',
					enctype: 'multipart/form-data',
					params: {
						title: 'title',
						text: 'text',
						url: 'url',
						files: [{ name: 'files', accept: ['*/*'] }]
					}
				}
			},
			devOptions: { enabled: false }
		}),
		dropcallServer()
	],
	server: { port: 5173 },
	build: { target: 'es2022' }
});
