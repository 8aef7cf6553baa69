import { expect, test, type Page } from '@playwright/test';
import { expectVideoFrames, screenshot } from './helpers';

/** The join steps without words, so they work in either language. */
async function submitWithName(page: Page, name: string) {
	await page.locator('input[autocomplete=nickname]').fill(name);
	const submit = page.locator('form button[type=submit]');
	await expect(submit).toBeEnabled();
	await submit.click();
}

/** Nothing may scroll sideways, and every control must be a comfortable touch target. */
async function expectPhoneFriendly(page: Page) {
	const overflow = await page.evaluate(
		() => document.documentElement.scrollWidth - document.documentElement.clientWidth
	);
	expect(overflow, 'page scrolls sideways').toBeLessThanOrEqual(0);
	const small = await page.evaluate(() =>
		[...document.querySelectorAll('button, select, input, textarea, summary')]
			.filter((element) => {
				const box = element.getBoundingClientRect();
				return box.width > 0 && (box.width < 44 || box.height < 44);
			})
			.map((element) => element.getAttribute('aria-label') ?? element.textContent?.trim())
	);
	expect(small, 'controls smaller than 44 px').toEqual([]);
}

const cases = [
	{
		label: 'phone-en-light',
		viewport: { width: 390, height: 844 },
		locale: 'en-US',
		scheme: 'light'
	},
	{
		label: 'phone-ko-dark',
		viewport: { width: 390, height: 844 },
		locale: 'ko-KR',
		scheme: 'dark'
	},
	{
		label: 'small-en-dark',
		viewport: { width: 320, height: 640 },
		locale: 'en-US',
		scheme: 'dark'
	},
	{
		label: 'small-ko-light',
		viewport: { width: 320, height: 640 },
		locale: 'ko-KR',
		scheme: 'light'
	},
	{
		label: 'desktop-ko-dark',
		viewport: { width: 1280, height: 800 },
		locale: 'ko-KR',
		scheme: 'dark'
	},
	{
		label: 'desktop-en-light',
		viewport: { width: 1280, height: 800 },
		locale: 'en-US',
		scheme: 'light'
	}
] as const;

for (const { label, viewport, locale, scheme } of cases) {
	test(`lobby, join screen and call fit and look right: ${label}`, async ({ browser }) => {
		const options = { viewport, locale, colorScheme: scheme } as const;
		const context = await browser.newContext(options);
		const page = await context.newPage();
		await page.goto('/');
		await expectPhoneFriendly(page);
		await screenshot(page, `lobby-${label}`);

		await submitWithName(page, 'Ana');
		await expect(page).toHaveURL(/\/r\//);
		const link = page.url();
		await expect(page.locator('video')).toHaveCount(1);
		await expectPhoneFriendly(page);
		await screenshot(page, `join-${label}`);

		await submitWithName(page, 'Ana');
		const guest = await browser.newContext(options);
		const guestPage = await guest.newPage();
		await guestPage.goto(link);
		await submitWithName(guestPage, '민준');
		await expect(page.getByRole('figure')).toHaveCount(2);
		await expectVideoFrames(page, '민준');
		await expectPhoneFriendly(page);
		await screenshot(page, `call-${label}`);
		await guest.close();
		await context.close();
	});
}
