import { expect, test, type BrowserContext, type Page } from '@playwright/test';
import { createRoom, expectPeople, joinRoom, launchWithoutDevices, screenshot } from './helpers';

test('people who join one room see the same People list, live', async ({ browser }) => {
	const contexts = await Promise.all([1, 2, 3].map(() => browser.newContext()));
	const [ana, bo, chul] = await Promise.all(contexts.map((context) => context.newPage()));
	const link = await createRoom(ana!, { name: 'Ana', seats: 4 });
	await ana!.getByRole('button', { name: 'Join' }).click();
	await expectPeople(ana!, ['Ana']);

	await joinRoom(bo!, link, 'Bo');
	await joinRoom(chul!, link, '철수');
	for (const page of [ana!, bo!, chul!]) await expectPeople(page, ['Ana', 'Bo', '철수']);

	await bo!.getByRole('button', { name: 'Leave' }).click();
	await expect(bo!.getByRole('heading', { name: 'You left the room' })).toBeVisible();
	for (const page of [ana!, chul!]) await expectPeople(page, ['Ana', '철수']);

	// Closing the tab (here: the whole browser context) frees the seat within RELOAD_GRACE_SECONDS.
	await contexts[2]!.close();
	await expectPeople(ana!, ['Ana']);
	await Promise.all(contexts.map((context) => context.close()));
});

test('a fifth person in a four-seat room watches it fill up and free a seat', async () => {
	// Seats, not media, are the point: four people sending each other video (twelve encoders
	// on two cores) only slowed this test and whatever ran after it.
	const browser = await launchWithoutDevices();
	const contexts = await Promise.all([1, 2, 3, 4, 5].map(() => browser.newContext()));
	const pages = await Promise.all(contexts.map((context) => context.newPage()));
	const link = await createRoom(pages[0]!, { seats: 4 });
	for (const [index, page] of pages.slice(0, 3).entries()) {
		await joinRoom(page, link, `Person ${index + 1}`);
		await expect(page.getByRole('list', { name: 'People' })).toBeVisible();
	}
	const late = pages[4]!;
	await late.goto(link);
	await expect(late.getByText('3 of 4 seats taken')).toBeVisible();

	// The join screen follows the room as it is, with no reload: the last seat goes…
	await joinRoom(pages[3]!, link, 'Person 4');
	await expect(late.getByRole('alert')).toHaveText('This room is full (4 of 4)');
	await expect(late.getByRole('button', { name: 'Join' })).toBeDisabled();
	await expect(late.getByRole('list', { name: 'People' })).toHaveCount(0);

	// …and comes free again.
	await pages[0]!.getByRole('button', { name: 'Leave' }).click();
	await expect(late.getByText('3 of 4 seats taken')).toBeVisible();
	await expect(late.getByRole('alert')).toHaveCount(0);
	await late.getByRole('textbox', { name: 'Your name' }).fill('Late');
	await late.getByRole('button', { name: 'Join' }).click();
	await expect(late.getByRole('list', { name: 'People' })).toBeVisible();
	await browser.close();
});

test('a link to a room that does not exist says so', async ({ page }) => {
	await page.goto('/r/AAAAAAAAAAAAAAAAAAAAAA');
	await expect(page.getByRole('alert')).toHaveText('This room does not exist or has ended.');
	await page.goto('/r/not-a-room');
	await expect(page.getByRole('alert')).toHaveText('This room does not exist or has ended.');
});

test('a room that asks for a camera turns away a browser without one', async ({ page }) => {
	const link = await createRoom(page, { devices: 'video' });
	const browser = await launchWithoutDevices();
	const stranger = await (await browser.newContext()).newPage();
	await stranger.goto(link);
	await stranger.getByRole('textbox', { name: 'Your name' }).fill('No camera');
	await expect(stranger.getByRole('alert')).toContainText(
		'This room asks for a camera and a microphone'
	);
	await expect(stranger.getByRole('button', { name: 'Join' })).toBeDisabled();
	await browser.close();
});

test('the name is remembered and the invite link is copied', async ({ page }) => {
	const link = await createRoom(page, { name: 'Remembered' });
	await page.reload();
	await expect(page.getByRole('textbox', { name: 'Your name' })).toHaveValue('Remembered');
	await page.getByRole('button', { name: 'Join' }).click();
	await page.getByRole('button', { name: 'Copy invite link' }).click();
	expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(link);
});

// One lobby, one room and one call give both sizes their pictures: the page is narrowed and
// widened rather than made again, which cost a second call.
test.describe('screenshots of the lobby and a room', () => {
	test.describe.configure({ mode: 'serial' });
	let context: BrowserContext;
	let other: BrowserContext;
	let page: Page;
	let link: string;
	test.beforeAll(async ({ browser }) => {
		context = await browser.newContext();
		other = await browser.newContext();
		page = await context.newPage();
	});
	test.afterAll(async () => {
		await Promise.all([context.close(), other.close()]);
	});

	const sizes = [
		['phone', { width: 390, height: 844 }],
		['desktop', { width: 1280, height: 800 }]
	] as const;

	test('screenshots of the lobby', async () => {
		await page.goto('/');
		await page.getByRole('textbox', { name: 'Your name' }).fill('Ana');
		for (const [label, viewport] of sizes) {
			await page.setViewportSize(viewport);
			await screenshot(page, `lobby-${label}`);
		}
	});

	test('screenshots of the join screen', async () => {
		link = await createRoom(page, { name: 'Ana' });
		await expect(page.getByRole('button', { name: 'Camera', exact: true })).toHaveAttribute(
			'aria-pressed',
			'true'
		);
		for (const [label, viewport] of sizes) {
			await page.setViewportSize(viewport);
			await screenshot(page, `join-${label}`);
		}
	});

	test('screenshots of a room', async () => {
		await page.getByRole('button', { name: 'Join' }).click();
		await joinRoom(await other.newPage(), link, '김민준');
		for (const [label, viewport] of sizes) {
			await page.setViewportSize(viewport);
			await expectPeople(page, ['Ana', '김민준']);
			await screenshot(page, `room-${label}`);
		}
	});
});
