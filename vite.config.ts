import { sveltekit } from '@sveltejs/kit/vite';
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
				{
					serveStatic: false
				}
			);
			server.middlewares.use(dropcall.handle);
		}
	};
}

export default defineConfig({
	plugins: [sveltekit(), dropcallServer()],
	server: { port: 5173 },
	build: { target: 'es2022' }
});
