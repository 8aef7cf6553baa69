import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { expect, test, type Browser, type BrowserContext, type Page } from '@playwright/test';
import { createRoom, joinRoom, openPanel, screenshot, throttleUploads } from './helpers';
import { fileSettings } from './server-env';

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
const storedFiles = () => readdirSync(resolve(fileSettings.UPLOAD_DIR));
const phone = { width: 390, height: 844 };

interface FileToShare {
	name: string;
	mimeType: string;
	buffer: Buffer;
}

/** Two people in one room, each in their own browser context. */
async function roomOfTwo(browser: Browser, viewport?: { width: number; height: number }) {
	const contexts = await Promise.all([1, 2].map(() => browser.newContext({ viewport })));
	const [ana, bo] = await Promise.all(contexts.map((context) => context.newPage()));
	const link = await createRoom(ana!, { name: 'Ana' });
	await ana!.getByRole('button', { name: 'Join' }).click();
	await joinRoom(bo!, link, 'Bo');
	// The files live in the side panel, which starts closed on a phone.
	await Promise.all([openPanel(ana!), openPanel(bo!)]);
	await expect(ana!.getByRole('list', { name: 'People' }).getByRole('listitem')).toHaveCount(2);
	return { contexts, ana: ana!, bo: bo! };
}

/**
 * A file of these bytes on disk, to be picked by its path. Given as a buffer, Playwright pushes
 * the bytes through the DevTools protocol, about 1 MB/s on a busy 2-core machine (25 s for the
 * 25 MB file below); given a path, the browser reads the file itself, as it does for a person.
 */
function fileOnDisk(name: string, bytes: Buffer): string {
	const folder = resolve('test-results', 'files-to-share', randomUUID());
	mkdirSync(folder, { recursive: true });
	const path = join(folder, name);
	writeFileSync(path, bytes);
	return path;
}

/** What a person does: press "Share files" and pick files in the browser's file chooser. */
async function shareFiles(page: Page, files: FileToShare[] | string[]): Promise<void> {
	const chooser = page.waitForEvent('filechooser');
	await page.getByRole('button', { name: 'Share files' }).click();
	await (await chooser).setFiles(files);
}

function fileItem(page: Page, name: string) {
	return page.getByRole('list', { name: 'Files' }).getByRole('listitem').filter({ hasText: name });
}

/** A colourful PNG drawn by the browser itself, for thumbnails worth looking at. */
async function drawPng(page: Page, hue: number): Promise<Buffer> {
	const bytes = await page.evaluate(async (hue) => {
		const canvas = document.createElement('canvas');
		canvas.width = canvas.height = 160;
		const context = canvas.getContext('2d')!;
		const gradient = context.createLinearGradient(0, 0, 160, 160);
		gradient.addColorStop(0, `hsl(${hue} 80% 60%)`);
		gradient.addColorStop(1, `hsl(${hue + 60} 80% 45%)`);
		context.fillStyle = gradient;
		context.fillRect(0, 0, 160, 160);
		context.fillStyle = 'rgb(255 255 255 / 0.85)';
		context.beginPath();
		context.arc(80, 80, 36, 0, Math.PI * 2);
		context.fill();
		const blob = await new Promise<Blob>((done) => canvas.toBlob((b) => done(b!), 'image/png'));
		return [...new Uint8Array(await blob.arrayBuffer())];
	}, hue);
	return Buffer.from(bytes);
}

/** Files on the server's disk, counted: a test in a shared call counts from where it began. */
const storedCount = () => storedFiles().length;

/** A DataTransfer carrying one small file, as a drag from the desktop would. */
function draggedFile(page: Page, name: string) {
	return page.evaluateHandle((name) => {
		const transfer = new DataTransfer();
		transfer.items.add(new File(['dropped bytes'], name, { type: 'text/plain' }));
		return transfer;
	}, name);
}

// One call serves the tests below: making it (two contexts, two page loads, two cameras) cost
// more than any of their checks. Each test leaves the room as it found it, and counts stored
// files from where it started; the one that ends with Ana leaving comes last.
test.describe('in one call of two', () => {
	test.describe.configure({ mode: 'serial' });
	let contexts: BrowserContext[];
	let ana: Page;
	let bo: Page;
	test.beforeAll(async ({ browser }) => {
		({ contexts, ana, bo } = await roomOfTwo(browser));
	});
	test.afterAll(async () => {
		await Promise.all(contexts.map((context) => context.close()));
	});

	test('images show a preview, and the sender can delete what they shared', async () => {
		const storedBefore = storedCount();
		const picture = { name: 'sunset.png', mimeType: 'image/png', buffer: await drawPng(ana, 20) };
		await shareFiles(ana, [
			picture,
			{ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('Bring snacks.\n') }
		]);
		const thumbnail = fileItem(bo, 'sunset.png').locator('img');
		await expect(thumbnail).toBeVisible();
		// Made by the sender's browser (64 px) and decoded here, so the page's CSP lets it through.
		await expect
			.poll(() => thumbnail.evaluate((image: HTMLImageElement) => image.naturalWidth))
			.toBe(64);
		await expect(fileItem(bo, 'notes.txt').locator('img')).toHaveCount(0);

		await ana.getByRole('button', { name: 'Delete sunset.png' }).click();
		await expect(fileItem(bo, 'sunset.png')).toHaveCount(0);
		await expect(fileItem(ana, 'sunset.png')).toHaveCount(0);
		await expect(fileItem(bo, 'notes.txt')).toHaveCount(1);
		await expect.poll(storedCount).toBe(storedBefore + 1);

		await ana.getByRole('button', { name: 'Delete notes.txt' }).click();
		await expect(fileItem(bo, 'notes.txt')).toHaveCount(0);
		await expect.poll(storedCount).toBe(storedBefore);
	});

	test('files dropped anywhere on the page or pasted from the clipboard are shared', async () => {
		const dropped = await draggedFile(ana, 'dropped.txt');
		await ana.locator('body').dispatchEvent('dragenter', { dataTransfer: dropped });
		await expect(ana.getByText('Drop to share with everyone in the room')).toBeVisible();
		await ana
			.getByRole('heading', { name: 'People' })
			.dispatchEvent('drop', { dataTransfer: dropped });
		await expect(ana.getByText('Drop to share with everyone in the room')).toHaveCount(0);
		await expect(fileItem(bo, 'dropped.txt')).toHaveCount(1);

		const png = [...(await drawPng(ana, 200))];
		await ana.evaluate((bytes) => {
			const transfer = new DataTransfer();
			transfer.items.add(new File([new Uint8Array(bytes)], 'image.png', { type: 'image/png' }));
			document.dispatchEvent(
				new ClipboardEvent('paste', { clipboardData: transfer, bubbles: true })
			);
		}, png);
		await expect(fileItem(bo, 'Pasted image')).toHaveCount(1);
		await expect(fileItem(bo, 'Pasted image')).toContainText(/Pasted image \d{4}-\d\d-\d\d/);

		for (const name of ['dropped.txt', 'Pasted image']) {
			await fileItem(ana, name)
				.getByRole('button', { name: /^Delete / })
				.click();
			await expect(fileItem(bo, name)).toHaveCount(0);
		}
	});

	test('an upload shows its progress and can be cancelled, leaving nothing', async () => {
		const storedBefore = storedFiles();
		const throttle = await throttleUploads(ana, 256 * 1024);
		await shareFiles(ana, [fileOnDisk('big video.mp4', randomBytes(4 << 20))]);
		const progress = ana.getByRole('progressbar', { name: 'big video.mp4' });
		await expect(progress).toBeVisible();
		await expect
			.poll(async () => Number(await progress.getAttribute('aria-valuenow')))
			.toBeGreaterThan(0);
		await expect(progress).toHaveAttribute('aria-valuetext', /\d+% · [\d.]+ KB\/s · .+ left/);
		await expect.poll(storedCount).toBe(storedBefore.length + 1);

		await ana
			.getByRole('listitem')
			.filter({ has: progress })
			.getByRole('button', { name: 'Cancel upload' })
			.click();
		await expect(progress).toHaveCount(0);
		await expect.poll(storedFiles).toEqual(storedBefore);
		await expect(bo.getByRole('list', { name: 'Files' })).toHaveCount(0);
		await throttle(-1);
	});

	test('an upload over the size limit is refused at once, saying why', async () => {
		const storedBefore = storedFiles();
		await shareFiles(ana, [fileOnDisk('disk.iso', Buffer.alloc(25 << 20))]);
		await expect(ana.getByRole('alert')).toHaveText(
			'This file is 25 MB; files can be at most 20 MB.'
		);
		expect(storedFiles()).toEqual(storedBefore);
		await ana.getByRole('button', { name: 'Cancel upload' }).click();
		await expect(ana.getByRole('alert')).toHaveCount(0);
		await expect(bo.getByRole('list', { name: 'Files' })).toHaveCount(0);
	});

	test('a shared file reaches the other person byte for byte and goes when its sender leaves', async () => {
		const storedBefore = storedCount();
		const report = randomBytes(3 << 20);
		await shareFiles(ana, [fileOnDisk('report.pdf', report)]);

		await expect(fileItem(bo, 'report.pdf')).toContainText('Ana');
		await expect(fileItem(bo, 'report.pdf')).toContainText('3 MB');
		await expect(fileItem(ana, 'report.pdf')).toContainText('shared by you');
		// Only the sender may delete it.
		await expect(bo.getByRole('button', { name: 'Delete report.pdf' })).toHaveCount(0);

		const link = bo.getByRole('link', { name: 'Download report.pdf' });
		// The sealed bytes come from a link to this one file, never the seat's credential
		// (issue 12); the service worker follows it, and the context sees the worker's requests.
		const fetched: string[] = [];
		contexts[1]!.on('request', (request) =>
			fetched.push(new URL(request.url()).pathname + new URL(request.url()).search)
		);
		const [download] = await Promise.all([bo.waitForEvent('download'), link.click()]);
		const href = fetched.find((path) => /^\/files\/[\w-]{22}\?link=[\w.-]+$/.test(path));
		expect(href).toBeDefined();
		expect(download.suggestedFilename()).toBe('report.pdf');
		expect(sha256(readFileSync((await download.path())!))).toBe(sha256(report));
		expect(storedCount()).toBe(storedBefore + 1);

		await ana.getByRole('button', { name: 'Leave' }).click();
		await expect(fileItem(bo, 'report.pdf')).toHaveCount(0);
		expect([404, 410]).toContain((await bo.request.get(href!)).status());
		await expect.poll(storedFiles).toEqual([]);
	});
});

// The screenshots share one call too: the phone's pictures first, then the same page widened.
test.describe('screenshots of shared files and an upload in progress', () => {
	test.describe.configure({ mode: 'serial' });
	let contexts: BrowserContext[];
	let ana: Page;
	test.beforeAll(async ({ browser }) => {
		let bo: Page;
		({ contexts, ana, bo } = await roomOfTwo(browser, phone));
		await shareFiles(bo, [
			{ name: 'Trip photos.png', mimeType: 'image/png', buffer: await drawPng(bo, 20) },
			{
				name: 'Itinerary – final (2).pdf',
				mimeType: 'application/pdf',
				buffer: randomBytes(180_000)
			}
		]);
		await shareFiles(ana, [
			{ name: 'beach.png', mimeType: 'image/png', buffer: await drawPng(ana, 190) }
		]);
		await expect(ana.getByRole('list', { name: 'Files' }).getByRole('listitem')).toHaveCount(3);
		await expect(ana.locator('img[src^="blob:"]')).toHaveCount(2);
		// Slow enough that the upload is still running for both viewports' pictures.
		await throttleUploads(ana, 256 * 1024);
		await shareFiles(ana, [fileOnDisk('Holiday video.mp4', randomBytes(12 << 20))]);
	});
	test.afterAll(async () => {
		await Promise.all(contexts.map((context) => context.close()));
	});

	for (const [label, viewport] of [
		['phone', phone],
		['desktop', { width: 1280, height: 800 }]
	] as const) {
		test(`screenshots of shared files and an upload in progress (${label})`, async () => {
			await ana.setViewportSize(viewport);
			await openPanel(ana);
			for (const name of ['Trip photos.png', 'Itinerary – final (2).pdf', 'beach.png']) {
				await expect(fileItem(ana, name)).toHaveCount(1);
			}
			await expect(ana.locator('img[src^="blob:"]')).toHaveCount(2);
			const progress = ana.getByRole('progressbar', { name: 'Holiday video.mp4' });
			await expect(progress).toHaveAttribute('aria-valuetext', /left/);
			await screenshot(ana, `files-${label}`);
			await ana.emulateMedia({ colorScheme: 'dark' });
			// Buttons fade to their dark colours; the picture waits for the end of the fade.
			await expect(ana.getByRole('link', { name: 'Download beach.png' })).toHaveCSS(
				'background-color',
				'rgb(26, 29, 36)'
			);
			await screenshot(ana, `files-dark-${label}`);
			await ana.emulateMedia({ colorScheme: 'light' });
			const dragged = await draggedFile(ana, 'x.txt');
			await ana.locator('body').dispatchEvent('dragenter', { dataTransfer: dragged });
			await expect(ana.getByText('Drop to share with everyone in the room')).toBeVisible();
			await screenshot(ana, `files-drop-${label}`);
			await ana.locator('body').dispatchEvent('dragleave', { dataTransfer: dragged });
			await expect(ana.getByText('Drop to share with everyone in the room')).toHaveCount(0);
		});
	}
});
