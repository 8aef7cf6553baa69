import { expect, test, type Page } from '@playwright/test';
import { createRoom, joinRoom, openPanel } from './helpers';

/** What the phone's share sheet does: a multipart POST to the manifest's share_target. */
async function shareFromAnotherApp(page: Page, name: string, text: string) {
	await page.evaluate(
		async ({ name, text }) => {
			const form = new FormData();
			form.append('files', new File([text], name, { type: 'text/plain' }));
			form.append('title', 'From the gallery');
			await fetch('/share-target', { method: 'POST', body: form });
		},
		{ name, text }
	);
}

async function controlledByServiceWorker(page: Page) {
	await page.evaluate(() => navigator.serviceWorker.ready);
	if (!(await page.evaluate(() => navigator.serviceWorker.controller))) await page.reload();
	await expect.poll(() => page.evaluate(() => !!navigator.serviceWorker.controller)).toBe(true);
}

test('files shared from another app go into the call in progress', async ({ browser }) => {
	const anaContext = await browser.newContext();
	const boContext = await browser.newContext();
	const call = await anaContext.newPage();
	const link = await createRoom(call, { name: 'Ana' });
	await call.getByRole('button', { name: 'Join' }).click();
	const bo = await boContext.newPage();
	await joinRoom(bo, link, 'Bo');
	await openPanel(bo);

	// The share sheet opens Dropcall again, in another tab of the same browser.
	const sheet = await anaContext.newPage();
	await sheet.goto('/');
	await controlledByServiceWorker(sheet);
	await shareFromAnotherApp(sheet, 'shopping-list.txt', 'eggs, milk, 김치');
	await sheet.goto('/share');
	await expect(sheet.getByText('shopping-list.txt')).toBeVisible();
	await sheet.getByRole('button', { name: 'The call you are in' }).click();
	await expect(sheet.getByRole('status').filter({ hasText: 'on their way' })).toBeVisible();

	const files = bo.getByRole('list', { name: 'Files' }).getByRole('listitem');
	await expect(files.filter({ hasText: 'shopping-list.txt' })).toBeVisible();
	// Only one Ana: the files joined the running call rather than a second copy of it.
	await expect(bo.getByRole('figure', { name: 'Ana', exact: true })).toHaveCount(1);
	await Promise.all([anaContext.close(), boContext.close()]);
});

test('files shared with no call running go into a recent room after joining it', async ({
	page
}) => {
	const link = await createRoom(page, { name: 'Ana' });
	await page.getByRole('button', { name: 'Join' }).click();
	await expect(page.getByRole('button', { name: 'Leave' })).toBeVisible();
	await page.getByRole('button', { name: 'Leave' }).click();

	await page.goto('/');
	await controlledByServiceWorker(page);
	await shareFromAnotherApp(page, 'notes.txt', 'hello');
	await page.goto('/share');
	await page.getByRole('link', { name: /Share into room/ }).click();
	await expect(page).toHaveURL(/\?share=1$/);
	await page.getByRole('button', { name: 'Join' }).click();
	await openPanel(page);
	await expect(
		page.getByRole('list', { name: 'Files' }).getByRole('listitem').filter({ hasText: 'notes.txt' })
	).toBeVisible();
	await expect(page).toHaveURL(link);
});

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
