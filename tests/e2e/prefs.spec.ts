import { expect, test, type Page } from '@playwright/test';
import { createRoom, joinRoom, screenshot } from './helpers';

/** What this device has stored as recent rooms (written in the background after a join). */
function storedRecentRooms(page: Page): Promise<unknown[]> {
	return page.evaluate(
		() =>
			new Promise<unknown[]>((resolve) => {
				const open = indexedDB.open('keyval-store');
				open.onsuccess = () => {
					const read = open.result
						.transaction('keyval')
						.objectStore('keyval')
						.get('prefs:recent-rooms');
					read.onsuccess = () => resolve((read.result as unknown[] | undefined) ?? []);
				};
			})
	);
}

test('name, camera choice and recent rooms survive a reload; Clear all data forgets them', async ({
	page
}) => {
	const link = await createRoom(page, { name: 'Remember me' });
	const roomId = link.split('/r/')[1]!;
	const camera = page.getByRole('button', { name: 'Camera', exact: true });
	await expect(camera).toHaveAttribute('aria-pressed', 'true');
	await camera.click();
	await expect(camera).toHaveAttribute('aria-pressed', 'false');
	await page.getByRole('button', { name: 'Join' }).click();
	await expect(page.getByRole('button', { name: 'Leave' })).toBeVisible();
	await expect.poll(() => storedRecentRooms(page)).toHaveLength(1);
	await page.getByRole('button', { name: 'Leave' }).click();

	await page.goto('/');
	await expect(page.getByRole('textbox', { name: 'Your name' })).toHaveValue('Remember me');
	const recent = page.getByRole('list', { name: 'Recent rooms' }).getByRole('listitem');
	await expect(recent).toHaveCount(1);
	await expect(recent.getByRole('link')).toHaveAttribute('href', `/r/${roomId}`);
	await screenshot(page, 'lobby-with-recent-desktop');

	// The camera stays off next time, as it was left.
	await recent.getByRole('link').click();
	await expect(page.getByRole('button', { name: 'Camera', exact: true })).toHaveAttribute(
		'aria-pressed',
		'false'
	);

	await page.goto('/');
	await page.getByText('Settings').click();
	page.once('dialog', (dialog) => dialog.accept());
	await page.getByRole('button', { name: 'Clear all data' }).click();
	await expect(page.getByRole('status').filter({ hasText: 'gone' })).toBeVisible();
	await expect(page.getByRole('list', { name: 'Recent rooms' })).toHaveCount(0);
	await page.reload();
	await expect(page.getByRole('textbox', { name: 'Your name' })).toHaveValue('');
	await expect(page.getByRole('list', { name: 'Recent rooms' })).toHaveCount(0);
});

test('a recent room can be forgotten', async ({ page }) => {
	const link = await createRoom(page, { name: 'Ana' });
	await joinRoom(page, link, 'Ana');
	await expect(page.getByRole('button', { name: 'Leave' })).toBeVisible();
	await expect.poll(() => storedRecentRooms(page)).toHaveLength(1);
	await page.goto('/');
	const recent = page.getByRole('list', { name: 'Recent rooms' }).getByRole('listitem');
	await expect(recent).toHaveCount(1);
	await recent.getByRole('button', { name: 'Forget' }).click();
	await expect(page.getByRole('list', { name: 'Recent rooms' })).toHaveCount(0);
	await page.reload();
	await expect(page.getByRole('list', { name: 'Recent rooms' })).toHaveCount(0);
});

test('the invite can be shown as a QR code', async ({ page }) => {
	const link = await createRoom(page, { name: 'Ana' });
	await page.getByRole('button', { name: 'Join' }).click();
	await page.getByRole('button', { name: 'Show QR code' }).click();
	const dialog = page.getByRole('dialog', { name: 'Scan to join' });
	await expect(dialog).toBeVisible();
	const qr = dialog.getByRole('img', { name: `QR code for ${link}` });
	await expect(qr).toBeVisible();
	expect(await qr.evaluate((image: HTMLImageElement) => image.naturalWidth)).toBeGreaterThan(0);
	await screenshot(page, 'invite-qr-desktop');
	await dialog.getByRole('button', { name: 'Close' }).click();
	await expect(dialog).toBeHidden();
	const canShare = await page.evaluate(() => 'share' in navigator);
	await expect(page.getByRole('button', { name: 'Share invite' })).toHaveCount(canShare ? 1 : 0);
});
