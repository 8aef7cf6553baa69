import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, test, type BrowserContext, type Page } from '@playwright/test';
import { createRoom, joinRoom, openPanel, screenshot } from './helpers';

/** The invite link asking to share on joining: the query goes before the secret's fragment. */
const asShare = (link: string) => link.replace(/(#|$)/, '?share=1$1');

/** What the phone's share sheet does: a multipart POST to the manifest's share_target. */
async function shareFromAnotherApp(page: Page, ...files: { name: string; text: string }[]) {
	await page.evaluate(async (files) => {
		const form = new FormData();
		for (const { name, text } of files) {
			form.append('files', new File([text], name, { type: 'text/plain' }));
		}
		form.append('title', 'From the gallery');
		await fetch('/share-target', { method: 'POST', body: form });
	}, files);
}

async function controlledByServiceWorker(page: Page) {
	await page.evaluate(() => navigator.serviceWorker.ready);
	if (!(await page.evaluate(() => navigator.serviceWorker.controller))) await page.reload();
	await expect.poll(() => page.evaluate(() => !!navigator.serviceWorker.controller)).toBe(true);
}

/** Every upload request the page makes, so a test can say none was made. */
function recordUploads(page: Page): string[] {
	const uploads: string[] = [];
	page.on('request', (request) => {
		if (new URL(request.url()).pathname.startsWith('/files') && request.method() !== 'GET') {
			uploads.push(`${request.method()} ${request.url()}`);
		}
	});
	return uploads;
}

const confirmation = (page: Page) => page.getByRole('dialog', { name: /Share these files/ });
const roomFiles = (page: Page) => page.getByRole('list', { name: 'Files' }).getByRole('listitem');

/** The share waiting in IndexedDB, as the service worker left it (idb-keyval's default store). */
function pendingShareNames(page: Page) {
	return page.evaluate(
		() =>
			new Promise<string[] | null>((resolve, reject) => {
				const open = indexedDB.open('keyval-store');
				open.onerror = () => reject(open.error);
				open.onsuccess = () => {
					const read = open.result.transaction('keyval').objectStore('keyval').get('share:pending');
					read.onsuccess = () => {
						const share = read.result as { files: File[] } | undefined;
						resolve(share ? share.files.map((file) => file.name) : null);
					};
				};
			})
	);
}

test('files shared from another app go into the call in progress once "Share" is pressed', async ({
	browser
}) => {
	const anaContext = await browser.newContext();
	const boContext = await browser.newContext();
	const call = await anaContext.newPage();
	const link = await createRoom(call, { name: 'Ana' });
	await call.getByRole('button', { name: 'Join' }).click();
	const uploads = recordUploads(call);
	const bo = await boContext.newPage();
	await joinRoom(bo, link, 'Bo');
	await openPanel(bo);

	// The share sheet opens Dropcall again, in another tab of the same browser.
	const sheet = await anaContext.newPage();
	await sheet.goto('/');
	await controlledByServiceWorker(sheet);
	await shareFromAnotherApp(sheet, { name: 'shopping-list.txt', text: 'eggs, milk, 김치' });
	await sheet.goto('/share');
	await expect(sheet.getByText('shopping-list.txt')).toBeVisible();
	await sheet.getByRole('button', { name: 'The call you are in' }).click();
	await expect(sheet.getByRole('status').filter({ hasText: 'Press Share' })).toBeVisible();

	// The call asks first, naming the file and its size; nothing has left the device yet.
	const asking = confirmation(call);
	await expect(asking).toBeVisible();
	await expect(asking.getByRole('listitem').filter({ hasText: 'shopping-list.txt' })).toHaveText(
		/shopping-list\.txt\s*18 bytes/
	);
	expect(uploads).toEqual([]);
	await expect(roomFiles(bo)).toHaveCount(0);

	await asking.getByRole('button', { name: 'Share', exact: true }).click();
	await expect(asking).toBeHidden();
	await expect(roomFiles(bo).filter({ hasText: 'shopping-list.txt' })).toBeVisible();
	expect(await pendingShareNames(call)).toBeNull();
	// Only one Ana: the files joined the running call rather than a second copy of it.
	await expect(bo.getByRole('figure', { name: 'Ana', exact: true })).toHaveCount(1);
	await Promise.all([anaContext.close(), boContext.close()]);
});

test('files shared with no call running go into a recent room after joining it and confirming', async ({
	page
}) => {
	const link = await createRoom(page, { name: 'Ana' });
	await page.getByRole('button', { name: 'Join' }).click();
	await expect(page.getByRole('button', { name: 'Leave' })).toBeVisible();
	await page.getByRole('button', { name: 'Leave' }).click();

	await page.goto('/');
	await controlledByServiceWorker(page);
	await shareFromAnotherApp(page, { name: 'notes.txt', text: 'hello' });
	await page.goto('/share');
	await page.getByRole('link', { name: /Share into room/ }).click();
	await expect(page).toHaveURL(/\?share=1(#|$)/);
	const uploads = recordUploads(page);
	await page.getByRole('button', { name: 'Join' }).click();
	const asking = confirmation(page);
	await expect(asking.getByRole('listitem').filter({ hasText: 'notes.txt' })).toBeVisible();
	expect(uploads).toEqual([]);

	await asking.getByRole('button', { name: 'Share', exact: true }).click();
	await openPanel(page);
	await expect(roomFiles(page).filter({ hasText: 'notes.txt' })).toBeVisible();
	await expect(page).toHaveURL(link);
});

test('"Not now" discards the shared files and uploads nothing', async ({ page }) => {
	const link = await createRoom(page, { name: 'Ana' });
	await page.goto('/');
	await controlledByServiceWorker(page);
	await shareFromAnotherApp(page, { name: 'holiday.txt', text: 'sun' });
	expect(await pendingShareNames(page)).toEqual(['holiday.txt']);

	await page.goto(asShare(link));
	const uploads = recordUploads(page);
	await page.getByRole('button', { name: 'Join' }).click();
	const asking = confirmation(page);
	await expect(asking.getByText('holiday.txt')).toBeVisible();
	await asking.getByRole('button', { name: 'Not now' }).click();
	await expect(asking).toBeHidden();

	// The dialog closes at once; the stored files go as the storage gets to it.
	await expect.poll(() => pendingShareNames(page)).toBeNull();
	await openPanel(page);
	await expect(page.getByText('Nothing shared yet.', { exact: false })).toBeVisible();
	await expect(roomFiles(page)).toHaveCount(0);
	expect(uploads).toEqual([]);
	await page.goto('/share');
	await expect(page.getByText('There is nothing waiting to be shared.')).toBeVisible();
});

test('a form on another site posting to the share target uploads nothing without "Share"', async ({
	browser,
	baseURL
}) => {
	// Mallory makes a room and waits in it for whatever lands there.
	const malloryContext = await browser.newContext();
	const mallory = await malloryContext.newPage();
	const link = await createRoom(mallory, { name: 'Mallory' });
	await mallory.getByRole('button', { name: 'Join' }).click();
	await openPanel(mallory);

	// Her site: another site to the browser (localhost, not 127.0.0.1), with a form that posts a
	// file to Dropcall's share target the moment it opens, as the share sheet would.
	const target = new URL('/share-target', baseURL).href;
	const hostile: Server = createServer((_request, response) => {
		response.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
		response.end(`<!doctype html><form method="post" enctype="multipart/form-data" action="${target}">
			<input type="file" name="files"></form>
			<script>
				const files = new DataTransfer();
				files.items.add(new File(['not what it seems'], 'invoice.pdf.exe'));
				document.querySelector('input').files = files.files;
				document.querySelector('form').submit();
			</script>`);
	});
	await new Promise<void>((resolve) => hostile.listen(0, '127.0.0.1', resolve));
	const hostileUrl = `http://localhost:${(hostile.address() as AddressInfo).port}/`;

	const victimContext = await browser.newContext();
	const victim = await victimContext.newPage();
	await victim.goto('/');
	await controlledByServiceWorker(victim);
	await victim.goto(hostileUrl);
	await expect(victim).toHaveURL(/\/share$/);
	// Then her site sends the victim to her room, and the victim joins it.
	await victim.goto(asShare(link));
	const uploads = recordUploads(victim);
	await joinRoom(victim, asShare(link), 'Vic');

	const asking = confirmation(victim);
	await expect(asking.getByText('invoice.pdf.exe')).toBeVisible();
	await expect(mallory.getByRole('list', { name: 'People' }).getByText('Vic')).toBeVisible();
	expect(uploads).toEqual([]);
	await expect(roomFiles(mallory)).toHaveCount(0);
	await Promise.all([malloryContext.close(), victimContext.close()]);
	await new Promise((resolve) => hostile.close(resolve));
});

const words: Record<string, { name: string; join: string }> = {
	'en-US': { name: 'Your name', join: 'Join' },
	'ko-KR': { name: '내 이름', join: '참여' }
};

const sizes = [
	['phone', { width: 390, height: 844 }],
	['desktop', { width: 1280, height: 800 }]
] as const;

// One confirmation per language serves both sizes: the page is narrowed and widened rather
// than made again, which cost a room, a service worker and a join for each picture.
for (const [locale, language] of [
	['en-US', 'en'],
	['ko-KR', 'ko']
] as const) {
	test.describe(`the confirmation in ${language}`, () => {
		test.describe.configure({ mode: 'serial' });
		let context: BrowserContext;
		let page: Page;
		test.beforeAll(async ({ browser }) => {
			// Made in English: the lobby helper finds its controls by their English names.
			const host = await browser.newPage();
			const link = await createRoom(host);
			await host.close();
			context = await browser.newContext({ locale });
			page = await context.newPage();
			await page.goto('/');
			await controlledByServiceWorker(page);
			await shareFromAnotherApp(
				page,
				{ name: 'a-rather-long-photo-name-from-the-gallery-of-the-holiday-2026.jpg', text: 'x' },
				{ name: '바닷가 사진.png', text: 'y'.repeat(4000) }
			);
			await page.goto(asShare(link));
			await page.getByRole('textbox', { name: words[locale]!.name }).fill('Ana');
			await page.getByRole('button', { name: words[locale]!.join }).click();
		});
		test.afterAll(async () => {
			await context.close();
		});

		for (const [label, size] of sizes) {
			test(`the confirmation reads well (${label}-${language})`, async () => {
				await page.setViewportSize(size);
				await expect(page.getByRole('dialog')).toBeVisible();
				await screenshot(page, `share-confirm-${label}-${language}`);
			});
		}
	});
}

test('without a service worker the share page says the files did not arrive', async ({
	request
}) => {
	const response = await request.post('/share-target', {
		multipart: { files: { name: 'x.txt', mimeType: 'text/plain', buffer: Buffer.from('x') } },
		maxRedirects: 0
	});
	expect(response.status()).toBe(303);
	expect(response.headers().location).toBe('/share?failed=1');
});
