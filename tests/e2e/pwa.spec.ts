import { chromium, expect, test } from '@playwright/test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { baseArgs, chromiumPath } from './browser';
import { createRoom } from './helpers';

test('the manifest describes an installable app with a share target', async ({ request }) => {
	const response = await request.get('/manifest.webmanifest');
	expect(response.ok()).toBe(true);
	const manifest = await response.json();
	expect(manifest).toMatchObject({
		name: 'Dropcall',
		short_name: 'Dropcall',
		start_url: '/',
		display: 'standalone',
		launch_handler: { client_mode: ['focus-existing', 'auto'] },
		share_target: { action: '/share-target', method: 'POST', enctype: 'multipart/form-data' }
	});
	const sizes = manifest.icons.map((icon: { sizes: string; purpose?: string }) =>
		icon.purpose === 'maskable' ? `maskable ${icon.sizes}` : icon.sizes
	);
	expect(sizes).toEqual(expect.arrayContaining(['192x192', '512x512', 'maskable 512x512']));
	for (const icon of manifest.icons) {
		const image = await request.get(`/${icon.src}`);
		expect(image.headers()['content-type']).toBe('image/png');
	}
});

test('Chromium finds nothing stopping installation', async ({ baseURL }) => {
	// Installability is never reported in an incognito profile, which plain contexts are.
	const profile = mkdtempSync(join(tmpdir(), 'dropcall-profile-'));
	const context = await chromium.launchPersistentContext(profile, {
		executablePath: chromiumPath(),
		args: baseArgs
	});
	try {
		const page = context.pages()[0] ?? (await context.newPage());
		await page.goto(baseURL!);
		await page.evaluate(() => navigator.serviceWorker.ready);
		const cdp = await context.newCDPSession(page);
		await expect
			.poll(async () => (await cdp.send('Page.getInstallabilityErrors')).installabilityErrors)
			.toEqual([]);
	} finally {
		await context.close();
		rmSync(profile, { recursive: true, force: true });
	}
});

test('the service worker takes over and the app opens offline', async ({ page, context }) => {
	await page.goto('/');
	await page.evaluate(() => navigator.serviceWorker.ready);
	await page.reload();
	expect(await page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true);

	await context.setOffline(true);
	await page.reload();
	await expect(page.getByRole('heading', { name: 'Dropcall' })).toBeVisible();
	await expect(page.getByRole('status').filter({ hasText: 'You are offline' })).toBeVisible();
	// A room link opens the app shell too, rather than the browser's error page.
	await page.goto('/r/AAAAAAAAAAAAAAAAAAAAAA').catch(() => {});
	await expect(page.getByRole('status').filter({ hasText: 'You are offline' })).toBeVisible();
	await context.setOffline(false);
});

test('a room opened from an invite registers the service worker once the call has settled', async ({
	page,
	browser
}) => {
	// Its install fetches the whole app, which slowed a join made meanwhile.
	const link = await createRoom(page);
	const context = await browser.newContext();
	try {
		const guest = await context.newPage();
		const registration = () =>
			guest.evaluate(async () => (await navigator.serviceWorker.getRegistration()) !== undefined);
		await guest.goto(link);
		await guest.getByRole('textbox', { name: 'Your name' }).fill('Bo');
		// Long enough for a page that registers on load: the lobby's has by then.
		await guest.waitForTimeout(1500);
		expect(await registration()).toBe(false);
		await guest.getByRole('button', { name: 'Join' }).click();
		await expect(guest.getByRole('button', { name: 'Leave' })).toBeVisible();
		expect(await registration()).toBe(false);
		await expect.poll(registration, { timeout: 15_000 }).toBe(true);
		await expect
			.poll(() => guest.evaluate(() => navigator.serviceWorker.controller !== null), {
				timeout: 15_000
			})
			.toBe(true);
	} finally {
		await context.close();
	}
});
