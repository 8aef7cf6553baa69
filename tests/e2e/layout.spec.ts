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

/** Lets the page answer a new size or colour scheme (media query listeners, then a paint). */
async function settle(page: Page) {
	await page.evaluate(
		() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)))
	);
}

type Case = (typeof cases)[number];

async function look(page: Page, { viewport, scheme }: Case) {
	await page.setViewportSize(viewport);
	await page.emulateMedia({ colorScheme: scheme });
	await settle(page);
}

// One call per language, looked at in each size and scheme, rather than one call per case:
// the sizes are what a phone turned sideways or a resized window goes through, and a call
// costs seconds to set up. The lobby and the join screen are opened fresh in each case.
for (const locale of ['en-US', 'ko-KR'] as const) {
	test(`lobby, join screen and call fit and look right: ${locale}`, async ({ browser }) => {
		const mine = cases.filter((each) => each.locale === locale);
		const first = mine[0]!;
		const options = { viewport: first.viewport, locale, colorScheme: first.scheme } as const;
		const context = await browser.newContext(options);
		const page = await context.newPage();
		let link = '';
		for (const each of mine) {
			await look(page, each);
			await page.goto('/');
			await expectPhoneFriendly(page);
			await screenshot(page, `lobby-${each.label}`);

			await submitWithName(page, 'Ana');
			await expect(page).toHaveURL(/\/r\//);
			link = page.url();
			await expect(page.locator('video')).toHaveCount(1);
			await expectPhoneFriendly(page);
			await screenshot(page, `join-${each.label}`);
		}

		// Joined on the phone, where the side panel starts closed; it starts open on a desktop.
		await look(page, first);
		await page.reload();
		await submitWithName(page, 'Ana');
		const guest = await browser.newContext(options);
		const guestPage = await guest.newPage();
		await guestPage.goto(link);
		await submitWithName(guestPage, '민준');
		await expect(page.getByRole('figure')).toHaveCount(2);
		await expectVideoFrames(page, '민준');
		for (const each of mine) {
			await look(page, each);
			if (each.viewport.width > 1000) {
				const people = page.getByRole('button', {
					name: locale === 'en-US' ? /^People/ : /^참여자/
				});
				if ((await people.getAttribute('aria-expanded')) === 'false') await people.click();
				await expect(people).toHaveAttribute('aria-expanded', 'true');
			}
			await expectPhoneFriendly(page);
			await screenshot(page, `call-${each.label}`);
		}
		await guest.close();
		await context.close();
	});
}
