import { expect, test, type BrowserContext, type Locator, type Page } from '@playwright/test';
import { createRoom, joinRoom } from './helpers';

/** Presses Tab until the control has focus, as someone without a mouse would. */
async function tabTo(page: Page, target: Locator, maxPresses = 40) {
	for (let presses = 0; presses < maxPresses; presses++) {
		if (await target.evaluate((element) => element === document.activeElement)) return;
		await page.keyboard.press('Tab');
	}
	throw new Error(`Tab never reached ${target}`);
}

/**
 * Moves along the call's toolbar with the arrow keys: the toolbar is one Tab stop (WAI-ARIA
 * toolbar pattern), so Tab reaches it and Right moves within it.
 */
async function toolbarTo(page: Page, target: Locator, maxPresses = 20) {
	const toolbar = page.getByRole('toolbar', { name: 'Call controls' });
	for (let presses = 0; presses < 40; presses++) {
		if (await toolbar.evaluate((element) => element.contains(document.activeElement))) break;
		await page.keyboard.press('Tab');
	}
	for (let presses = 0; presses < maxPresses; presses++) {
		if (await target.evaluate((element) => element === document.activeElement)) return;
		await page.keyboard.press('ArrowRight');
	}
	throw new Error(`The arrow keys never reached ${target}`);
}

/** The keyboard focus is shown: an outline a person can see. */
async function expectFocusRing(target: Locator) {
	await expect(target).toBeFocused();
	const outline = await target.evaluate((element) => {
		const style = getComputedStyle(element);
		return { style: style.outlineStyle, width: parseFloat(style.outlineWidth) };
	});
	expect(outline.style).not.toBe('none');
	expect(outline.width).toBeGreaterThanOrEqual(2);
}

const liveRegion = (page: Page) => page.getByRole('status', { name: 'Announcements' });

// Ana hosts one call for the tests below, and people come to it: making her a call of her own
// each time cost more than the checks. The one whose tab closes (a seat held a moment, its tile
// saying so) comes last, after the one counting the host's live regions.
test.describe("Ana's call", () => {
	test.describe.configure({ mode: 'serial' });
	let hostContext: BrowserContext;
	let host: Page;
	let link: string;
	test.beforeAll(async ({ browser }) => {
		hostContext = await browser.newContext();
		host = await hostContext.newPage();
		link = await createRoom(host, { name: 'Ana' });
		await host.getByRole('button', { name: 'Join' }).click();
	});
	test.afterAll(async () => {
		await hostContext.close();
	});

	test('a whole call from the keyboard: join, mute both ways, chat, leave', async ({ browser }) => {
		const context = await browser.newContext();
		const page = await context.newPage();
		await page.goto(link);
		const name = page.getByRole('textbox', { name: 'Your name' });
		await tabTo(page, name);
		await page.keyboard.type('Kim');
		await page.keyboard.press('Enter');

		// In the call, as a person sees it: the join screen has a Microphone button of its own,
		// and its name field (focused, so shortcuts are typing) may still be there a moment.
		await expect(page.getByRole('button', { name: 'Leave' })).toBeVisible();
		await expect(page.getByRole('textbox', { name: 'Your name' })).toHaveCount(0);
		const microphone = page.getByRole('button', { name: 'Microphone', exact: true });
		await expect(microphone).toHaveAttribute('aria-pressed', 'true');
		// Like the button, the shortcut waits out the join's own work on the microphone.
		await expect(microphone).toBeEnabled();
		await page.keyboard.press('Control+d');
		await expect(microphone).toHaveAttribute('aria-pressed', 'false');
		await expect(liveRegion(page)).toContainText('Your microphone is off');
		await expect(liveRegion(host)).toContainText('Kim muted their microphone');
		await toolbarTo(page, microphone);
		await expectFocusRing(microphone);
		await page.keyboard.press('Space');
		await expect(microphone).toHaveAttribute('aria-pressed', 'true');
		await expect(liveRegion(host)).toContainText('Kim turned their microphone on');

		const chat = page.getByRole('button', { name: /^Chat/ });
		await toolbarTo(page, chat);
		await page.keyboard.press('Enter');
		await expect(chat).toHaveAttribute('aria-expanded', 'true');
		const message = page.getByRole('textbox', { name: 'Message' });
		await tabTo(page, message);
		await page.keyboard.type('Hello from the keyboard');
		await page.keyboard.press('Enter');
		await expect(page.getByRole('log')).toContainText('Hello from the keyboard');
		await expect(liveRegion(host)).toContainText('Kim in the chat: Hello from the keyboard');
		// Ctrl+D mutes even from the chat box; the browser's bookmark dialog stays shut.
		await expect(microphone).toBeEnabled();
		await page.keyboard.press('Control+d');
		await expect(microphone).toHaveAttribute('aria-pressed', 'false');

		// Back in the toolbar Tab returns to the control last used (Chat); Right goes on to Leave.
		const leave = page.getByRole('button', { name: 'Leave' });
		await toolbarTo(page, leave);
		await page.keyboard.press('Enter');
		await expect(page.getByRole('button', { name: 'Rejoin' })).toBeVisible();
		await expect(liveRegion(host)).toContainText('Kim left the call');
		await context.close();
	});

	test('joins, mutes, raised hands and chat with the chat closed land in the one live region', async ({
		browser
	}) => {
		const context = await browser.newContext();
		const guest = await context.newPage();
		// SvelteKit's own region (#svelte-announcer) speaks only when the page changes.
		const liveRegions = host.locator('[aria-live]:not(#svelte-announcer)');
		await expect(liveRegions).toHaveCount(1);
		await joinRoom(guest, link, 'Bo');
		const region = liveRegion(host);
		await expect(region).toContainText('Bo joined the call');
		await guest.getByRole('button', { name: 'Microphone', exact: true }).click();
		await expect(region).toContainText('Bo muted their microphone');
		await guest.getByRole('button', { name: 'Raise hand' }).click();
		await expect(region).toContainText('Bo raised their hand');
		await guest.getByRole('button', { name: /^Chat/ }).click();
		await guest.getByRole('textbox', { name: 'Message' }).fill('Can I ask something?');
		await guest.getByRole('button', { name: 'Send' }).click();
		await expect(region).toContainText('Bo in the chat: Can I ask something?');
		// One polite region for the call: no other live region competes with it.
		await expect(liveRegions).toHaveCount(1);
		await expect(host.locator('[role=status]:not([aria-live=off]), [role=alert]')).toHaveCount(1);
		await context.close();
	});

	test('Enter pressed while the camera is still opening joins as soon as it is open', async ({
		browser
	}) => {
		const context = await browser.newContext();
		// The camera opens only when the test says, as a slow one does on a busy phone.
		await context.addInitScript(() => {
			const open = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
			let release = () => {};
			const released = new Promise<void>((resolve) => (release = resolve));
			Object.assign(window, { releaseCamera: () => release() });
			navigator.mediaDevices.getUserMedia = async (constraints) => {
				await released;
				return open(constraints);
			};
		});
		const page = await context.newPage();
		await page.goto(link);
		const name = page.getByRole('textbox', { name: 'Your name' });
		await tabTo(page, name);
		await page.keyboard.type('Kim');
		await page.keyboard.press('Enter');
		await page.evaluate(() => (window as unknown as { releaseCamera: () => void }).releaseCamera());
		await expect(page.getByRole('button', { name: 'Leave' })).toBeVisible();
		await expect(page.getByRole('button', { name: 'Camera', exact: true })).toHaveAttribute(
			'aria-pressed',
			'true'
		);
		await context.close();
	});
});

test('? opens the shortcuts dialog, Escape closes it and focus goes back', async ({ page }) => {
	await createRoom(page, { name: 'Ana' });
	await page.getByRole('button', { name: 'Join' }).click();
	const camera = page.getByRole('button', { name: 'Camera', exact: true });
	await toolbarTo(page, camera);
	await page.keyboard.press('Shift+Slash');
	const dialog = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
	await expect(dialog).toBeVisible();
	for (const keys of ['Ctrl + D', 'Ctrl + E', '?']) {
		await expect(dialog.getByRole('cell', { name: keys, exact: true })).toBeVisible();
	}
	await expect(dialog.getByRole('row', { name: /Ctrl \+ D Turn your microphone/ })).toBeVisible();
	// Modal: focus moves into it.
	await expect(dialog.getByRole('button', { name: 'Close' })).toBeFocused();
	await page.keyboard.press('Escape');
	await expect(dialog).toBeHidden();
	await expect(camera).toBeFocused();

	// Ctrl+E turns the camera off and on.
	await expect(camera).toHaveAttribute('aria-pressed', 'true');
	await expect(camera).toBeEnabled();
	await page.keyboard.press('Control+e');
	await expect(camera).toHaveAttribute('aria-pressed', 'false');

	// The same dialog from a button, for those who would never guess "?".
	const button = page.getByRole('button', { name: 'Shortcuts' });
	await toolbarTo(page, button);
	await page.keyboard.press('Enter');
	await expect(dialog).toBeVisible();
	await page.keyboard.press('Escape');
	await expect(button).toBeFocused();
});
