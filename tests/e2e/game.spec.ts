import { expect, test, type Page } from '@playwright/test';
import {
	board,
	drawLine,
	expectConnected,
	inkAt,
	inkPixels,
	openWhiteboard
} from './board-helpers';
import { createRoom, joinRoom, launchWithoutDevices, screenshot } from './helpers';

const desktop = { viewport: { width: 1280, height: 800 } };
const phone = { viewport: { width: 390, height: 844 }, hasTouch: true };

/**
 * The drawer picks the first word offered that the guessers' pages do not already show, and
 * returns it: a word like "hand" or "camera" is on every page ("Raise hand"), which would make
 * the check that the word stays secret fail for no fault of the game.
 */
async function chooseWord(drawer: Page, guessers: Page[]): Promise<string> {
	const choices = drawer.getByRole('group', { name: 'Words to choose from' }).getByRole('button');
	await expect(choices).toHaveCount(3);
	const offered = (await choices.allInnerTexts()).map((text) => text.trim());
	let index = 0;
	for (const [at, word] of offered.entries()) {
		const isShownAlready = await Promise.all(guessers.map((page) => shows(page, word)));
		if (!isShownAlready.includes(true)) {
			index = at;
			break;
		}
	}
	await choices.nth(index).click();
	await expect(drawer.getByRole('main').getByText('Only you see the word.')).toBeVisible();
	return offered[index]!;
}

async function guess(page: Page, text: string): Promise<void> {
	const box = page.getByRole('textbox', { name: 'Your guess' });
	await box.fill(text);
	await box.press('Enter');
	// Sent: the box empties, or is gone (a right guess, or the round ended).
	await expect
		.poll(() =>
			box.evaluateAll((boxes) => boxes.every((each) => (each as HTMLInputElement).value === ''))
		)
		.toBe(true);
}

/** The scoreboard as text, one row per player: what everyone must agree on. */
async function scores(page: Page): Promise<string[]> {
	const rows = page.getByRole('table', { name: 'Scores' }).locator('tbody tr');
	const texts = await rows.evaluateAll((elements) =>
		elements.map((row) => {
			const name = row.querySelector('.name')?.textContent ?? '';
			const points = row.querySelector('td')?.textContent ?? '';
			return `${name.trim()} ${points.trim()}`;
		})
	);
	return texts;
}

/** Whether a word appears anywhere on the page as a word of its own. */
async function shows(page: Page, word: string): Promise<boolean> {
	const text = await page.locator('body').innerText();
	const escaped = word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
	return new RegExp(`(^|[^\\p{L}])${escaped}([^\\p{L}]|$)`, 'iu').test(text);
}

test('a full game: turns rotate, the word stays secret, guesses score, everyone agrees', async ({
	browser
}) => {
	test.setTimeout(240_000);
	const anaContext = await browser.newContext(desktop);
	const boContext = await browser.newContext(phone);
	const bare = await launchWithoutDevices();
	const chulContext = await bare.newContext(desktop);
	const ana = await anaContext.newPage();
	const bo = await boContext.newPage();
	const chul = await chulContext.newPage();
	const link = await createRoom(ana, { name: 'Ana' });
	await ana.getByRole('button', { name: 'Join' }).click();
	await joinRoom(bo, link, 'Bo');
	await joinRoom(chul, link, 'Chul');
	for (const [page, others] of [
		[ana, ['Bo', 'Chul']],
		[bo, ['Ana', 'Chul']],
		[chul, ['Ana', 'Bo']]
	] as const) {
		for (const name of others) await expectConnected(page, name);
	}

	// Ana starts; everyone's board opens for the game.
	await openWhiteboard(ana);
	await ana.getByRole('button', { name: 'Start game' }).click();
	for (const page of [bo, chul]) {
		await expect(board(page)).toBeVisible();
		await expect(page.getByRole('main').getByText('Ana is choosing a word…')).toBeVisible();
	}

	// Round 1: Ana draws, Bo and Chul guess.
	const first = await chooseWord(ana, [bo, chul]);
	for (const page of [ana, bo, chul]) {
		await expect(page.getByRole('heading', { name: 'Round 1 of 3' })).toBeVisible();
	}
	await expect(bo.getByRole('main').getByText('What is Ana drawing?')).toBeVisible();
	await drawLine(ana, [0.2, 0.3], [0.8, 0.6]);
	await expect.poll(() => inkAt(bo, 0.5, 0.45)).toBe(true);
	await expect.poll(() => inkAt(chul, 0.5, 0.45)).toBe(true);
	// Guessers have no pen this round.
	const before = await inkPixels(bo);
	await drawLine(bo, [0.1, 0.9], [0.9, 0.9]);
	expect(await inkAt(bo, 0.5, 0.9)).toBe(false);
	expect(await inkPixels(bo)).toBe(before);
	await expect(bo.getByRole('toolbar', { name: 'Whiteboard tools' })).toHaveCount(0);

	expect(await shows(bo, first)).toBe(false);
	expect(await shows(chul, first)).toBe(false);
	await guess(bo, `${first}x`);
	await expect(bo.getByRole('main').getByText('close!', { exact: true })).toBeVisible();
	await expect(ana.getByRole('list', { name: 'Guesses' })).toContainText(`${first}x`);
	await expect(chul.getByRole('main').getByText('close!', { exact: true })).toHaveCount(0);
	await screenshot(ana, 'game-drawer-desktop');
	await screenshot(bo, 'game-guesser-phone');

	await guess(bo, first.toUpperCase());
	await expect(bo.getByRole('main').getByText('You got it!')).toBeVisible();
	await expect(chul.getByRole('main').getByText('You got it!')).toHaveCount(0);
	expect(await shows(chul, first)).toBe(false);
	await guess(chul, first);
	for (const page of [ana, bo, chul]) {
		await expect(page.getByRole('main').getByText('The word was')).toContainText(first);
		await expect(page.getByRole('main').getByText('Everyone guessed it!')).toBeVisible();
	}
	const afterFirst = await scores(ana);
	expect(afterFirst).toHaveLength(3);
	for (const page of [bo, chul]) await expect.poll(() => scores(page)).toEqual(afterFirst);
	// The drawer earned 25 per right guess; Bo guessed first, so more than Chul.
	expect(afterFirst).toContain('Ana 50');
	const points = Object.fromEntries(
		afterFirst.map((row) => row.split(' ')).map(([n, p]) => [n, Number(p)])
	);
	expect(points.Bo).toBeGreaterThanOrEqual(points.Chul!);
	expect(points.Chul).toBeGreaterThanOrEqual(50);
	// Ana, host and drawer, need not wait out the reveal; the guessers cannot hurry it.
	for (const page of [bo, chul]) {
		await expect(page.getByRole('button', { name: 'Start the next round' })).toHaveCount(0);
	}
	await screenshot(ana, 'game-reveal-host-desktop');
	await ana.getByRole('button', { name: 'Start the next round' }).click();

	// Round 2: Bo draws on his phone; the board starts clean.
	const second = await chooseWord(bo, [ana, chul]);
	await expect.poll(() => inkPixels(ana)).toBe(0);
	await drawLine(bo, [0.3, 0.2], [0.6, 0.8]);
	await expect.poll(() => inkAt(ana, 0.45, 0.5)).toBe(true);
	await guess(ana, second);
	await expect(ana.getByRole('main').getByText('You got it!')).toBeVisible();
	await screenshot(bo, 'game-drawer-phone');
	await screenshot(ana, 'game-guesser-desktop');
	await guess(chul, second);
	for (const page of [ana, bo, chul]) {
		await expect(page.getByRole('main').getByText('The word was')).toContainText(second);
	}
	// Bo drew but is not the host: his word to go on travels to Ana, who starts round 3.
	await expect(chul.getByRole('button', { name: 'Start the next round' })).toHaveCount(0);
	await screenshot(bo, 'game-reveal-drawer-phone');
	await bo.getByRole('button', { name: 'Start the next round' }).click();

	// Round 3: Chul draws; once everyone has drawn, the game names the winner everywhere. Nobody
	// hurries this reveal, so the host's own clock must end it.
	const third = await chooseWord(chul, [ana, bo]);
	await expect(chul.getByRole('heading', { name: 'Round 3 of 3' })).toBeVisible();
	await guess(ana, third);
	await guess(bo, third);
	await expect(ana.getByRole('button', { name: 'Show the final scores' })).toBeVisible();
	for (const page of [ana, bo, chul]) {
		await expect(page.getByRole('heading', { name: /wins?!|A tie/ })).toBeVisible({
			timeout: 20_000
		});
		await expect(page.getByRole('button', { name: 'Start game' })).toBeEnabled();
	}
	const final = await scores(ana);
	for (const page of [bo, chul]) expect(await scores(page)).toEqual(final);
	await screenshot(bo, 'game-over-phone');

	await Promise.all([anaContext.close(), boContext.close(), bare.close()]);
});

test('a Korean starter plays in Korean, and a drawer who leaves ends the round', async ({
	browser
}) => {
	test.setTimeout(120_000);
	const anaContext = await browser.newContext({ ...desktop, locale: 'ko-KR' });
	const boContext = await browser.newContext(desktop);
	const bare = await launchWithoutDevices();
	const chulContext = await bare.newContext(desktop);
	const ana = await anaContext.newPage();
	const bo = await boContext.newPage();
	const chul = await chulContext.newPage();
	// Ana's browser speaks Korean, so her interface does too; she starts the game.
	const link = await createRoom(bo, { name: 'Bo' });
	await bo.getByRole('button', { name: 'Join' }).click();
	await ana.goto(link);
	await ana.getByRole('textbox', { name: '내 이름' }).fill('Ana');
	await ana.getByRole('button', { name: '참여' }).click();
	await joinRoom(chul, link, 'Chul');
	for (const page of [bo, chul]) await expectConnected(page, 'Ana');
	await expectConnected(bo, 'Chul');

	await ana.getByRole('button', { name: '화이트보드', exact: true }).click();
	await ana.getByRole('button', { name: '게임 시작' }).click();
	const choices = ana.getByRole('group', { name: '고를 수 있는 단어' }).getByRole('button');
	await expect(choices).toHaveCount(3);
	for (const text of await choices.allInnerTexts()) expect(text.trim()).toMatch(/^[가-힣 ]+$/);
	const word = (await choices.first().innerText()).trim();
	await choices.first().click();
	await expect(ana.getByRole('main').getByText('단어는 나에게만 보입니다.')).toBeVisible();
	await expect(bo.getByRole('main').getByText(/· Korean$/)).toBeVisible();
	await guess(bo, word);
	await expect(bo.getByRole('main').getByText('You got it!')).toBeVisible();

	// Ana leaves mid-round: her round ends, and the game goes on without her.
	await ana.getByRole('button', { name: '나가기' }).click();
	for (const page of [bo, chul]) {
		await expect(page.getByRole('main').getByText('Ana left, so the round is over.')).toBeVisible();
		await expect(
			page.getByRole('table', { name: 'Scores' }).getByRole('rowheader', { name: /Ana.*left/ })
		).toBeVisible();
	}
	// Bo is host now, so he may start the next round; Chul may not.
	await expect(chul.getByRole('button', { name: 'Start the next round' })).toHaveCount(0);
	await bo.getByRole('button', { name: 'Start the next round' }).click();
	const next = bo.getByRole('group', { name: 'Words to choose from' }).getByRole('button');
	await expect(next).toHaveCount(3);
	for (const text of await next.allInnerTexts()) expect(text.trim()).toMatch(/^[가-힣 ]+$/);
	await expect(chul.getByRole('main').getByText('Bo is choosing a word…')).toBeVisible();
	await expect(chul.getByRole('heading', { name: 'Round 2 of 3' })).toBeVisible();
	expect(await scores(chul)).toEqual(await scores(bo));

	await Promise.all([anaContext.close(), boContext.close(), bare.close()]);
});
