import { expect, test, type Page } from '@playwright/test';
import { createRoom, expectVideoFrames, joinRoom, tile } from './helpers';

/** Counts the screen wake locks the page asks for, instead of taking them. */
const COUNT_WAKE_LOCKS = `
	window.wakeLockRequests = 0;
	Object.defineProperty(navigator, 'wakeLock', {
		value: {
			request: async () => {
				window.wakeLockRequests++;
				return { release: async () => {} };
			}
		}
	});
`;

const wakeLockRequests = (page: Page) =>
	page.evaluate(() => Reflect.get(window, 'wakeLockRequests'));

/** The call's control bar as the DOM has it, seen or not. */
const callControls = (page: Page) => page.locator('[role=toolbar][aria-label="Call controls"]');

/** Nothing of the call drawn ahead may be reached, seen or set off from the join screen. */
async function expectOnlyJoinScreen(page: Page) {
	await expect(callControls(page)).toBeAttached();
	const isSeen = await callControls(page).evaluate((element) =>
		element.checkVisibility({ opacityProperty: true, visibilityProperty: true })
	);
	expect(isSeen, 'the call drawn ahead is seen').toBe(false);
	await expect(page.getByRole('toolbar', { name: 'Call controls' })).toHaveCount(0);
	await expect(page.getByRole('button', { name: 'Leave' })).toHaveCount(0);
	await expect(page.getByRole('button', { name: 'Microphone', exact: true })).toHaveCount(1);
	await expect(page.getByRole('main')).toHaveCount(1);
	await expect(page.getByRole('heading', { level: 1 })).toHaveCount(1);
}

test('the call is drawn ahead on the join screen, out of reach, and only revealed by the join', async ({
	browser
}) => {
	const anaContext = await browser.newContext();
	await anaContext.addInitScript({ content: COUNT_WAKE_LOCKS });
	const ana = await anaContext.newPage();
	const boContext = await browser.newContext();
	const bo = await boContext.newPage();
	try {
		const link = await createRoom(ana, { name: 'Ana' });
		const microphone = ana.getByRole('button', { name: 'Microphone', exact: true });
		await expect(microphone).toHaveAttribute('aria-pressed', 'true');
		await expect(microphone).toBeEnabled();
		await expectOnlyJoinScreen(ana);

		// Its shortcuts, its focus stops and its wake lock wait for the call to be shown.
		await ana.keyboard.press('Control+d');
		await ana.keyboard.press('?');
		for (let presses = 0; presses < 12; presses++) {
			await ana.keyboard.press('Tab');
			const isInCall = await ana.evaluate(() => !!document.activeElement?.closest('[inert]'));
			expect(isInCall, 'focus inside the hidden call').toBe(false);
		}
		await expect(microphone).toHaveAttribute('aria-pressed', 'true');
		await expect(ana.getByRole('dialog')).toHaveCount(0);
		expect(await wakeLockRequests(ana)).toBe(0);
		await expect(ana.locator('video')).toHaveCount(1);

		await ana.getByRole('button', { name: 'Join' }).click();
		await expect(ana.getByRole('button', { name: 'Leave' })).toBeVisible();
		await expect(ana.getByRole('textbox', { name: 'Your name' })).toHaveCount(0);
		await expect(ana.getByRole('main')).toHaveCount(1);
		await expectVideoFrames(ana, 'Ana');
		await expect.poll(() => wakeLockRequests(ana)).toBeGreaterThan(0);

		// The people already in it come as they join, not drawn ahead.
		await joinRoom(bo, link, 'Bo');
		await expectVideoFrames(ana, 'Bo');
		await expectVideoFrames(bo, 'Ana');
		await expect(tile(bo, 'Bo')).toBeVisible();

		// Shown, its shortcuts act.
		const callMicrophone = ana.getByRole('button', { name: 'Microphone', exact: true });
		await expect(callMicrophone).toBeEnabled();
		await ana.keyboard.press('Control+d');
		await expect(callMicrophone).toHaveAttribute('aria-pressed', 'false');

		// Left and back on the join screen, the call is drawn ahead again for the rejoin.
		await ana.getByRole('button', { name: 'Leave' }).click();
		await ana.getByRole('button', { name: 'Rejoin' }).click();
		await expect(ana.getByRole('button', { name: 'Join' })).toBeVisible();
		await expectOnlyJoinScreen(ana);
		await ana.getByRole('button', { name: 'Join' }).click();
		await expectVideoFrames(ana, 'Bo');
		await expect(ana.getByRole('button', { name: 'Join' })).toHaveCount(0);
	} finally {
		await anaContext.close();
		await boContext.close();
	}
});
