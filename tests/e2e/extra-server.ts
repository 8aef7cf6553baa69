/**
 * A second Dropcall server inside the test process, for a spec that needs settings the suite's
 * own server (playwright.config.ts) does not have. The settings go through readConfig as
 * environment variables would, and it serves the build Playwright's webServer step made.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createDropcall } from '../../server/app';
import { readConfig } from '../../server/config';
import { limitSettings, seatSettings } from './server-env';

export async function startExtraServer(settings: Record<string, string>) {
	const config = readConfig({ ...seatSettings, ...limitSettings, ...settings, QUIET: '1' });
	const httpServer = createServer((request, response) =>
		dropcall.handle(request, response, () => {})
	);
	const dropcall = createDropcall(
		httpServer,
		{ ...config, host: '127.0.0.1' },
		{ serveStatic: true }
	);
	await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
	return {
		/** `http://127.0.0.1:<port>`: a browser context's baseURL. */
		url: `http://127.0.0.1:${(httpServer.address() as AddressInfo).port}`,
		async stop() {
			await dropcall.stop();
			httpServer.closeAllConnections();
			await new Promise((resolve) => httpServer.close(resolve));
		}
	};
}

export type ExtraServer = Awaited<ReturnType<typeof startExtraServer>>;
