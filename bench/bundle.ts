/**
 * First-load JavaScript and CSS of the lobby and the room page, gzip-compressed as a browser
 * would receive it: every script and stylesheet the page requests before it is usable.
 * Target: at most 100 KB of JavaScript for the room page.
 */
import { chromium } from '@playwright/test';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { createDropcall } from '../server/app.ts';
import { readConfig } from '../server/config.ts';
import { baseArgs, chromiumPath, fakeDeviceArgs } from '../tests/e2e/browser.ts';

const ROOM_JS_BUDGET = 100 * 1024;

export async function benchBundle(): Promise<void> {
	const build = spawnSync(process.execPath, ['scripts/build-if-stale.js'], { stdio: 'inherit' });
	if (build.status !== 0) throw new Error('build failed');
	const config = { ...readConfig({ QUIET: '1' }), host: '127.0.0.1' };
	const httpServer = createServer((request, response) =>
		dropcall.handle(request, response, () => {})
	);
	const dropcall = createDropcall(httpServer, config, { serveStatic: true });
	await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
	const url = `http://127.0.0.1:${(httpServer.address() as AddressInfo).port}`;
	const browser = await chromium.launch({
		executablePath: chromiumPath(),
		args: [...baseArgs, ...fakeDeviceArgs]
	});
	try {
		const measure = async (path: string, ready: string) => {
			const context = await browser.newContext({ permissions: ['camera', 'microphone'] });
			const page = await context.newPage();
			const assets = new Set<string>();
			page.on('request', (request) => {
				const { pathname } = new URL(request.url());
				if (/\.(js|css)$/.test(pathname) && pathname.startsWith('/_app/')) assets.add(pathname);
			});
			await page.goto(`${url}${path}`);
			await page.getByRole('button', { name: ready }).waitFor();
			await context.close();
			let js = 0;
			let css = 0;
			for (const pathname of assets) {
				const size = gzipSync(readFileSync(join(config.staticDir, pathname))).length;
				if (pathname.endsWith('.js')) js += size;
				else css += size;
			}
			return { js, css, files: assets.size };
		};
		const room = await fetch(`${url}/healthz`).then(() =>
			import('socket.io-client').then(async ({ io }) => {
				const socket = io(url, { transports: ['websocket'] });
				const answer = await socket.emitWithAck('room:create', { seats: 4, devices: 'none' });
				socket.close();
				return answer.roomId as string;
			})
		);
		const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
		console.log('\nFirst-load JavaScript and CSS (gzip)');
		for (const [label, path, ready] of [
			['lobby', '/', 'Create room'],
			['room page', `/r/${room}`, 'Join']
		] as const) {
			const { js, css, files } = await measure(path, ready);
			const budget = label === 'room page' ? ` (target ≤ ${kb(ROOM_JS_BUDGET)})` : '';
			console.log(`  ${label}: JS ${kb(js)}${budget}, CSS ${kb(css)}, ${files} files`);
		}
	} finally {
		await browser.close();
		await dropcall.stop();
	}
}
