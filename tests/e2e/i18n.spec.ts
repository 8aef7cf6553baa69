import { expect, test } from '@playwright/test';
import { createRoom, screenshot } from './helpers';

test('a Korean browser gets Korean; an English one gets English', async ({ browser }) => {
	const korean = await browser.newContext({ locale: 'ko-KR' });
	const page = await korean.newPage();
	await page.goto('/');
	await expect(page.locator('html')).toHaveAttribute('lang', 'ko');
	await expect(page.getByRole('button', { name: '방 만들기' })).toBeVisible();
	await expect(page.getByRole('textbox', { name: '내 이름' })).toBeVisible();
	await screenshot(page, 'lobby-ko-phone');
	await korean.close();

	const english = await browser.newContext({ locale: 'en-US' });
	const other = await english.newPage();
	await other.goto('/');
	await expect(other.locator('html')).toHaveAttribute('lang', 'en');
	await expect(other.getByRole('button', { name: 'Create room' })).toBeVisible();
	await english.close();
});

test('the language can be switched in settings and is remembered', async ({ page }) => {
	const link = await createRoom(page, { name: 'Ana' });
	await page.goto('/');
	await page.getByText('Settings').click();
	await page.getByRole('combobox', { name: 'Language' }).selectOption('ko');
	await expect(page.locator('html')).toHaveAttribute('lang', 'ko');
	await expect(page.getByRole('button', { name: '방 만들기' })).toBeVisible();
	await page.reload();
	await expect(page.getByRole('button', { name: '방 만들기' })).toBeVisible();
	// The invite link is the same in every language.
	await page.goto(link);
	await expect(page.getByRole('heading', { name: '통화 참여' })).toBeVisible();
	await expect(page).toHaveURL(link);
	await page.getByRole('button', { name: '참여' }).click();
	await expect(page.getByRole('button', { name: '나가기' })).toBeVisible();
	await screenshot(page, 'room-ko-desktop');
});

test('a Korean call speaks Korean, down to the empty chat', async ({ browser }) => {
	const korean = await browser.newContext({ locale: 'ko-KR' });
	const page = await korean.newPage();
	await page.goto('/');
	await page.getByRole('textbox', { name: '내 이름' }).fill('철수');
	await page.getByRole('button', { name: '방 만들기' }).click();
	await page.getByRole('button', { name: '참여', exact: true }).click();
	await page.getByRole('button', { name: /^채팅/ }).click();
	await expect(page.getByRole('log')).toContainText('아직 메시지가 없습니다');
	await expect(page.getByRole('button', { name: '보내기' })).toBeDisabled();
	await korean.close();
});
