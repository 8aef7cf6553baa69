import { expect, test, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { createRoom } from './helpers';

const english = JSON.parse(readFileSync('messages/en.json', 'utf8')) as Record<string, string>;
const korean = JSON.parse(readFileSync('messages/ko.json', 'utf8')) as Record<string, string>;
/** English words of the UI that a Korean page never shows (brand names and the like are in both). */
const englishOnly = Object.entries(english)
	.filter(([key, text]) => korean[key] !== text && /[A-Za-z]{3}/.test(text) && !text.includes('{'))
	.map(([, text]) => text)
	.filter((text) => text.length >= 4);

/**
 * Records, on every animation frame from the very first, the page's language and what it shows:
 * a frame is what a person sees, so this is what the first paint looked like.
 */
function recordPaints(page: Page) {
	return page.addInitScript(() => {
		const paints: { lang: string; text: string; title: string }[] = [];
		Object.assign(window, { paints });
		const record = () => {
			paints.push({
				lang: document.documentElement.lang,
				text: document.body?.innerText ?? '',
				title: document.title
			});
			if (paints.length < 400) requestAnimationFrame(record);
		};
		requestAnimationFrame(record);
	});
}

async function paintsOf(page: Page) {
	await expect
		.poll(() => page.evaluate(() => (window as unknown as { paints: unknown[] }).paints.length))
		.toBeGreaterThan(30);
	return page.evaluate(
		() => (window as unknown as { paints: { lang: string; text: string; title: string }[] }).paints
	);
}

function expectKoreanThroughout(paints: { lang: string; text: string; title: string }[]) {
	const firstWithText = paints.findIndex((paint) => paint.text.trim() !== '');
	expect(firstWithText, 'some frame shows text').toBeGreaterThanOrEqual(0);
	for (const paint of paints) {
		expect(paint.lang, `a frame painted as lang="${paint.lang}"`).toBe('ko');
		const seen = englishOnly.filter(
			(text) => paint.text.includes(text) || paint.title.includes(text)
		);
		expect(seen, 'English words in a Korean frame').toEqual([]);
	}
}

test('a Korean browser paints Korean from the very first frame, lobby and invite link', async ({
	browser
}) => {
	const setup = await browser.newContext({ locale: 'en-US' });
	const link = await createRoom(await setup.newPage(), { name: 'Ana' });
	await setup.close();

	const context = await browser.newContext({ locale: 'ko-KR' });
	const page = await context.newPage();
	await recordPaints(page);
	await page.goto('/');
	await expect(page.getByRole('button', { name: '방 만들기' })).toBeVisible();
	expectKoreanThroughout(await paintsOf(page));

	const invited = await context.newPage();
	await recordPaints(invited);
	await invited.goto(link);
	await expect(invited.getByRole('heading', { level: 1 })).toBeVisible();
	expectKoreanThroughout(await paintsOf(invited));
	await context.close();
});
