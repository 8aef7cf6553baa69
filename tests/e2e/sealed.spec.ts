/**
 * Sealed files (issue 14): the server holds only bytes it cannot read, the people with the
 * invite link get the file back byte for byte under its name, a changed byte is caught, and
 * someone who came without the link's secret sees that files are there, sealed.
 */
import { createHash, randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { expect, test, type BrowserContext, type Page } from '@playwright/test';
import { createRoom, joinRoom, openPanel, throttleUploads } from './helpers';
import { fileSettings } from './server-env';

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
const uploadDir = resolve(fileSettings.UPLOAD_DIR);
const storedBytes = () =>
	readdirSync(uploadDir).map((name) => ({
		path: join(uploadDir, name),
		bytes: readFileSync(join(uploadDir, name))
	}));

/** Everything a page hears from the server: Socket.IO frames (join answers, file events) and
 * the bodies of the file routes' answers (links). */
function recordAnswers(page: Page): string[] {
	const heard: string[] = [];
	page.on('websocket', (socket) =>
		socket.on('framereceived', ({ payload }) => heard.push(String(payload)))
	);
	page.on('response', async (response) => {
		const url = new URL(response.url());
		if (!url.pathname.startsWith('/socket.io/') && url.pathname !== '/files/links') return;
		heard.push(await response.text().catch(() => ''));
	});
	return heard;
}

function fileItem(page: Page, text: string) {
	return page.getByRole('list', { name: 'Files' }).getByRole('listitem').filter({ hasText: text });
}

test('a sealed file reaches the link holders intact, the server learns nothing, a changed byte is caught', async ({
	browser
}) => {
	const anaContext = await browser.newContext();
	const boContext = await browser.newContext();
	const chulContext = await browser.newContext();
	const ana = await anaContext.newPage();
	const bo = await boContext.newPage();
	const chul = await chulContext.newPage();
	const boHeard = recordAnswers(bo);
	const chulHeard = recordAnswers(chul);
	const link = await createRoom(ana, { name: 'Ana' });
	await ana.getByRole('button', { name: 'Join' }).click();
	const secret = new URL(link).hash.slice(1);
	expect(secret).toMatch(/^[A-Za-z0-9_-]{22}$/);

	// Every way of inviting carries the secret.
	await ana.getByRole('button', { name: 'Copy invite link' }).click();
	expect(await ana.evaluate(() => navigator.clipboard.readText())).toBe(link);

	await joinRoom(bo, link, 'Bo');
	// Chul typed the address by hand: the room, without its secret.
	await joinRoom(chul, link.split('#')[0]!, 'Chul');
	await Promise.all([ana, bo, chul].map(openPanel));
	await expect(ana.getByRole('list', { name: 'People' }).getByRole('listitem')).toHaveCount(3);

	const marker = `marker${randomBytes(6).toString('hex')}`;
	const name = `plans ${marker}.txt`;
	// Several records long, with the marker in the first and the last.
	const content = Buffer.concat([
		Buffer.from(`${marker}\n`),
		randomBytes(300_000),
		Buffer.from(`\n${marker}\n`)
	]);
	const chooser = ana.waitForEvent('filechooser');
	await ana.getByRole('button', { name: 'Share files' }).click();
	await (await chooser).setFiles({ name, mimeType: 'text/plain', buffer: content });
	await expect(fileItem(bo, name)).toContainText('Ana');
	await expect(fileItem(ana, name)).toContainText('shared by you');

	// The server's disk holds neither the content nor the name, nor the secret.
	const stored = storedBytes();
	expect(stored.length).toBeGreaterThan(0);
	for (const { bytes } of stored) {
		for (const needle of [marker, name, 'plans', secret])
			expect(bytes.includes(needle)).toBe(false);
	}
	// Nor does anything the server said: join answers, file:added, download links.
	for (const heard of [boHeard, chulHeard]) {
		expect(heard.some((text) => text.includes('"files"'))).toBe(true);
		for (const text of heard) {
			expect(text).not.toContain(marker);
			expect(text).not.toContain(secret);
		}
	}

	// Bo gets it byte for byte under its own name.
	const [download] = await Promise.all([
		bo.waitForEvent('download'),
		bo.getByRole('link', { name: `Download ${name}` }).click()
	]);
	expect(download.suggestedFilename()).toBe(name);
	expect(sha256(readFileSync((await download.path())!))).toBe(sha256(content));

	// Chul sees a sealed file he cannot open, and how to get the key.
	const sealedItem = chul.getByRole('list', { name: 'Files' }).getByRole('listitem');
	await expect(sealedItem).toHaveCount(1);
	await expect(sealedItem).toContainText('sealed');
	await expect(sealedItem).toContainText('invite link');
	await expect(sealedItem).not.toContainText(marker);
	await expect(chul.getByRole('link', { name: /^Download/ })).toHaveCount(0);
	await expect(chul.getByRole('button', { name: 'Share files' })).toBeDisabled();

	// One byte changed on the server's disk: the download stops and says why.
	const sealedFile = stored.find(
		({ path, bytes }) => !path.endsWith('.json') && bytes.length > content.length
	);
	expect(sealedFile).toBeDefined();
	const changed = Buffer.from(sealedFile!.bytes);
	const middle = Math.floor(changed.length / 2);
	changed[middle] = changed[middle]! ^ 0x20;
	writeFileSync(sealedFile!.path, changed);
	expect(statSync(sealedFile!.path).size).toBe(sealedFile!.bytes.length);
	const [spoilt] = await Promise.all([
		bo.waitForEvent('download'),
		bo.getByRole('link', { name: `Download ${name}` }).click()
	]);
	await expect(bo.getByRole('alert')).toContainText('This file was changed after it was shared');
	expect(await spoilt.failure()).not.toBeNull();

	await Promise.all([anaContext, boContext, chulContext].map((context) => context.close()));
});

// The two tests below share one call of two; the reload, which changes Ana's page, comes last.
test.describe('in one call of two', () => {
	test.describe.configure({ mode: 'serial' });
	let anaContext: BrowserContext;
	let boContext: BrowserContext;
	let ana: Page;
	let bo: Page;
	let link: string;
	test.beforeAll(async ({ browser }) => {
		anaContext = await browser.newContext();
		boContext = await browser.newContext();
		ana = await anaContext.newPage();
		bo = await boContext.newPage();
		link = await createRoom(ana, { name: 'Ana' });
		await ana.getByRole('button', { name: 'Join' }).click();
		await joinRoom(bo, link, 'Bo');
		await Promise.all([ana, bo].map(openPanel));
	});
	test.afterAll(async () => {
		await Promise.all([anaContext, boContext].map((context) => context.close()));
	});

	test('image thumbnails are made and shown from the opened file', async () => {
		const png = await ana.evaluate(async () => {
			const canvas = document.createElement('canvas');
			canvas.width = canvas.height = 160;
			const context = canvas.getContext('2d')!;
			context.fillStyle = 'rgb(200 40 90)';
			context.fillRect(0, 0, 160, 160);
			const blob = await new Promise<Blob>((done) => canvas.toBlob((b) => done(b!), 'image/png'));
			return [...new Uint8Array(await blob.arrayBuffer())];
		});
		const chooser = ana.waitForEvent('filechooser');
		await ana.getByRole('button', { name: 'Share files' }).click();
		await (
			await chooser
		).setFiles({ name: 'rose.png', mimeType: 'image/png', buffer: Buffer.from(png) });
		const thumbnail = fileItem(bo, 'rose.png').locator('img');
		await expect(thumbnail).toHaveAttribute('src', /^blob:/);
		await expect
			.poll(() => thumbnail.evaluate((image: HTMLImageElement) => image.naturalWidth))
			.toBe(64);
	});

	test('a download the service worker never takes up says it failed, and the next one starts', async () => {
		// A worker that never answers the page's ticket: one of another version that does not
		// know it, or one that died. Without a time limit the download silently never started.
		await bo.waitForFunction(() => navigator.serviceWorker.controller !== null);
		await bo.evaluate(() => {
			const post = ServiceWorker.prototype.postMessage;
			Object.assign(window, { answerTickets: () => (ServiceWorker.prototype.postMessage = post) });
			ServiceWorker.prototype.postMessage = () => {};
		});
		const download = bo.getByRole('link', { name: 'Download rose.png' });
		await download.click();
		const failed = bo.getByText('The download failed. Try again.');
		await expect(failed).toBeVisible({ timeout: 15_000 });

		await bo.evaluate(() => (window as unknown as { answerTickets: () => void }).answerTickets());
		const [saved] = await Promise.all([bo.waitForEvent('download'), download.click()]);
		expect(saved.suggestedFilename()).toBe('rose.png');
		await expect(failed).toBeHidden();
	});

	test('where the browser refuses a service worker, a sealed download saves without waiting for one', async ({
		browser
	}) => {
		// As in some private windows: registering throws. The download must not wait out the time
		// a worker is given to install (15 s) before it saves another way.
		const context = await browser.newContext();
		await context.addInitScript(() => {
			delete (window as { showSaveFilePicker?: unknown }).showSaveFilePicker;
			ServiceWorkerContainer.prototype.register = () =>
				Promise.reject(new DOMException('Refused here', 'SecurityError'));
		});
		try {
			const chul = await context.newPage();
			await joinRoom(chul, link, 'Chul');
			await openPanel(chul);
			const [saved] = await Promise.all([
				chul.waitForEvent('download', { timeout: 10_000 }),
				chul.getByRole('link', { name: 'Download rose.png' }).click()
			]);
			expect(saved.suggestedFilename()).toBe('rose.png');
		} finally {
			await context.close();
		}
	});

	test('a sealed upload cut off by a reload continues where it stopped and arrives intact', async () => {
		// Many records long, and slowed down so that the reload cuts it off part way.
		const name = `resumed-${randomBytes(4).toString('hex')}.bin`;
		const content = randomBytes(3 * 2 ** 20);
		const path = resolve('test-results', name);
		writeFileSync(path, content);
		const throttle = await throttleUploads(ana, 256 * 1024);
		const chooser = ana.waitForEvent('filechooser');
		await ana.getByRole('button', { name: 'Share files' }).click();
		await (await chooser).setFiles(path);
		const progress = ana.getByRole('progressbar', { name });
		await expect
			.poll(async () => Number(await progress.getAttribute('aria-valuenow')))
			.toBeGreaterThanOrEqual(10);

		await ana.reload();
		await openPanel(ana);
		// The tab kept how the file was sealed, record size and all, to seal the rest the same way.
		const kept = await ana.evaluate(() =>
			JSON.parse(sessionStorage.getItem('dropcall:unfinished-uploads') ?? '[]')
		);
		expect(kept).toEqual([expect.objectContaining({ name, recordBytes: 256 * 1024 })]);
		await throttle(-1);
		const offsets: number[] = [];
		ana.on('request', (request) => {
			if (request.method() === 'PATCH') offsets.push(Number(request.headers()['upload-offset']));
		});
		const again = ana.waitForEvent('filechooser');
		await ana.getByRole('button', { name: `Pick ${name} again` }).click();
		await (await again).setFiles(path);
		await expect(fileItem(bo, name)).toContainText('Ana', { timeout: 20_000 });
		expect(offsets[0], 'the first byte sent after the reload').toBeGreaterThan(0);

		const [download] = await Promise.all([
			bo.waitForEvent('download'),
			bo.getByRole('link', { name: `Download ${name}` }).click()
		]);
		expect(download.suggestedFilename()).toBe(name);
		expect(sha256(readFileSync((await download.path())!))).toBe(sha256(content));
	});
});
