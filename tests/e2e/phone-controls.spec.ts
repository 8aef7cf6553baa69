import { expect, test, type Page } from '@playwright/test';
import { screenshot } from './helpers';

const words = {
	en: { more: 'More', raise: 'Raise hand', board: 'Whiteboard', shortcuts: 'Shortcuts' },
	ko: { more: '더 보기', raise: '손 들기', board: '화이트보드', shortcuts: '단축키' }
} as const;

/** The join steps without words, so they work in either language. */
async function submitWithName(page: Page, name: string) {
	await page.locator('input[autocomplete=nickname]').fill(name);
	const submit = page.locator('form button[type=submit]');
	await expect(submit).toBeEnabled();
	await submit.click();
}

/** Every visible control label in the call's control bar that does not fit its box. */
function cutOffLabels(page: Page) {
	return page.evaluate(() =>
		[...document.querySelectorAll<HTMLElement>('.control-bar .label')]
			.filter((label) => label.getClientRects().length > 0)
			.filter((label) => label.scrollWidth > label.clientWidth + 0.5)
			.map((label) => `${label.textContent} (${label.scrollWidth} > ${label.clientWidth})`)
	);
}

for (const locale of ['en', 'ko'] as const) {
	test(`on a 360 px phone no control label is cut off and More holds the rest: ${locale}`, async ({
		browser
	}) => {
		const text = words[locale];
		const context = await browser.newContext({
			viewport: { width: 360, height: 740 },
			locale: locale === 'en' ? 'en-US' : 'ko-KR',
			hasTouch: true
		});
		const page = await context.newPage();
		await page.goto('/');
		await submitWithName(page, 'Ana');
		await expect(page).toHaveURL(/\/r\//);
		await submitWithName(page, 'Ana');
		const bar = page.getByRole('toolbar');
		const more = bar.getByRole('button', { name: text.more, exact: true });
		await expect(more).toBeVisible();
		expect(await cutOffLabels(page)).toEqual([]);
		const barFits = await bar.evaluate((element) => element.scrollWidth <= element.clientWidth);
		expect(barFits, 'the control bar fits one row without scrolling').toBe(true);
		await expect(bar.getByRole('button', { name: text.raise })).toBeHidden();

		// The disclosure: focus moves in, arrows move between the controls, Escape goes back.
		await more.focus();
		await page.keyboard.press('Enter');
		await expect(more).toHaveAttribute('aria-expanded', 'true');
		const group = page.getByRole('group', { name: text.more });
		const raise = group.getByRole('button', { name: text.raise });
		const first = group.getByRole('button').first();
		await expect(first).toBeFocused();
		await page.keyboard.press('End');
		const shortcuts = group.getByRole('button', { name: text.shortcuts });
		await expect(shortcuts).toBeFocused();
		await page.keyboard.press('ArrowUp');
		await expect(group.getByRole('button', { name: text.board })).toBeFocused();
		await page.keyboard.press('ArrowDown');
		await page.keyboard.press('ArrowDown');
		await expect(first).toBeFocused();
		await expect(raise).toBeVisible();
		expect(await cutOffLabels(page)).toEqual([]);
		for (const scheme of ['light', 'dark'] as const) {
			await page.emulateMedia({ colorScheme: scheme });
			await screenshot(page, `controls-more-360-${locale}-${scheme}`);
		}
		await page.keyboard.press('Escape');
		await expect(group).toBeHidden();
		await expect(more).toBeFocused();

		// Raising a hand from the menu closes it and the hand shows.
		await more.click();
		await raise.click();
		await expect(group).toBeHidden();
		await expect(page.getByRole('figure').getByText('1', { exact: true })).toBeVisible();
		for (const scheme of ['light', 'dark'] as const) {
			await page.emulateMedia({ colorScheme: scheme });
			await screenshot(page, `call-360-${locale}-${scheme}`);
		}

		// A wide screen shows every control in the bar, as before.
		await page.setViewportSize({ width: 1280, height: 800 });
		await expect(more).toBeHidden();
		await expect(bar.getByRole('button', { name: words[locale].shortcuts })).toBeVisible();
		expect(await cutOffLabels(page)).toEqual([]);
		for (const scheme of ['light', 'dark'] as const) {
			await page.emulateMedia({ colorScheme: scheme });
			await screenshot(page, `call-1280-${locale}-${scheme}`);
		}
		await context.close();
	});
}
