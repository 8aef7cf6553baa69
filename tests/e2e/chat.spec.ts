import { expect, test, type Page } from '@playwright/test';
import { createRoom, joinRoom, launchWithoutDevices, openPanel, screenshot } from './helpers';
import { startRecordingServer } from './recording-server';

async function openChat(page: Page) {
	const button = page.getByRole('button', { name: 'Chat', exact: true });
	if ((await button.getAttribute('aria-expanded')) !== 'true') await button.click();
	return page.getByRole('log', { name: 'Chat messages' });
}

async function say(page: Page, text: string, how: 'enter' | 'button' = 'enter') {
	await openChat(page);
	const box = page.getByRole('textbox', { name: 'Message' });
	await box.fill(text);
	if (how === 'enter') await box.press('Enter');
	else await page.getByRole('button', { name: 'Send', exact: true }).click();
	await expect(box).toHaveValue('');
}

async function messageTexts(page: Page): Promise<string[]> {
	const log = await openChat(page);
	return log.locator('article .text').allInnerTexts();
}

test('chat reaches everyone in one order, safely, and late joiners get the history once', async ({
	browser
}) => {
	const [anaContext, boContext] = [await browser.newContext(), await browser.newContext()];
	const bare = await launchWithoutDevices();
	const chulContext = await bare.newContext();
	const ana = await anaContext.newPage();
	const bo = await boContext.newPage();
	const chul = await chulContext.newPage();
	const link = await createRoom(ana, { name: 'Ana' });
	await ana.getByRole('button', { name: 'Join' }).click();
	await joinRoom(bo, link, 'Bo');
	await joinRoom(chul, link, 'Chul');
	await expect(ana.getByRole('figure', { name: 'Chul', exact: true })).toBeVisible();

	const send = ana.getByRole('button', { name: 'Send', exact: true });
	await openChat(ana);
	await expect(send).toBeDisabled();

	await say(ana, 'Hello from Ana');
	// Bo's panel is closed: the Chat button counts the unread message.
	await expect(bo.getByRole('button', { name: 'Chat', exact: true })).toHaveAccessibleDescription(
		'1 unread'
	);
	await say(bo, 'Reply from Bo', 'button');
	await expect((await openChat(chul)).getByText('Reply from Bo')).toBeVisible();
	await say(chul, '안녕하세요, no camera here');
	const xss = ['<img src=x onerror="window.__xss=1">', '<script>window.__xss=2</script>'];
	await say(bo, xss[0]!);
	await say(bo, xss[1]!);
	await say(ana, 'Links: javascript:alert(1) and https://example.org/page.');

	const expected = [
		'Hello from Ana',
		'Reply from Bo',
		'안녕하세요, no camera here',
		...xss,
		'Links: javascript:alert(1) and https://example.org/page.'
	];
	for (const page of [ana, bo, chul]) {
		await expect.poll(() => messageTexts(page)).toEqual(expected);
		expect(await page.evaluate(() => (window as { __xss?: number }).__xss)).toBeUndefined();
		const log = page.getByRole('log', { name: 'Chat messages' });
		await expect(log.locator('img, script')).toHaveCount(0);
		const links = log.getByRole('link');
		await expect(links).toHaveCount(1);
		await expect(links).toHaveAttribute('href', 'https://example.org/page');
		await expect(links).toHaveAttribute('target', '_blank');
		await expect(links).toHaveAttribute('rel', 'noopener noreferrer');
	}
	await screenshot(ana, 'chat-desktop');

	// A late joiner hears the story so far from three people at once, and keeps it once.
	const danaContext = await browser.newContext({ viewport: { width: 390, height: 844 } });
	const dana = await danaContext.newPage();
	await joinRoom(dana, link, 'Dana');
	await expect.poll(() => messageTexts(dana)).toEqual(expected);
	await screenshot(dana, 'chat-phone');

	await Promise.all([anaContext.close(), boContext.close(), danaContext.close(), bare.close()]);
});

test('the server never sees a chat message, the room secret, or a sealed file and its name', async ({
	browser
}) => {
	const server = await startRecordingServer();
	try {
		const [anaContext, boContext] = [await browser.newContext(), await browser.newContext()];
		const ana = await anaContext.newPage();
		const bo = await boContext.newPage();
		await ana.goto(server.url);
		await ana.getByRole('textbox', { name: 'Your name' }).fill('Recorded Ana');
		await ana.getByRole('button', { name: 'Create room' }).click();
		await ana.getByRole('button', { name: 'Join' }).click();
		const roomSecret = new URL(ana.url()).hash.slice(1);
		await joinRoom(bo, ana.url(), 'Bo');

		const secret = `secret-${Math.random().toString(36).slice(2)}`;
		await say(ana, `the word is ${secret}`);
		await expect((await openChat(bo)).getByText(`the word is ${secret}`)).toBeVisible();
		await say(bo, `${secret} received`);
		await expect((await openChat(ana)).getByText(`${secret} received`)).toBeVisible();

		// A sealed file goes through the server, and its name and content with it, unreadable.
		const marker = `marker-${Math.random().toString(36).slice(2)}`;
		await openPanel(ana);
		await openPanel(bo);
		const chooser = ana.waitForEvent('filechooser');
		await ana.getByRole('button', { name: 'Share files' }).click();
		await (
			await chooser
		).setFiles({
			name: `${marker}.txt`,
			mimeType: 'text/plain',
			buffer: Buffer.from(`the file says ${marker}`)
		});
		const files = bo.getByRole('list', { name: 'Files' });
		await expect(files.getByRole('listitem').filter({ hasText: `${marker}.txt` })).toBeVisible();

		// The recorder does see what goes through the server: the name sent with the join.
		expect(server.sawText('Recorded Ana')).toBe(true);
		expect(server.sawText(secret)).toBe(false);
		expect(server.sawText(marker)).toBe(false);
		// It read the sealed file's bytes, sealing adding to them, and found no marker in them.
		expect(server.bodyBytes()).toBeGreaterThan(`the file says ${marker}`.length);
		// Nor, in any request line, header, body or packet, the room secret the link carries.
		expect(roomSecret).toMatch(/^[A-Za-z0-9_-]{22}$/);
		expect(new URL(bo.url()).hash).toBe(`#${roomSecret}`);
		expect(server.received.length).toBeGreaterThan(10);
		expect(server.sawText(roomSecret)).toBe(false);
		await Promise.all([anaContext.close(), boContext.close()]);
	} finally {
		await server.close();
	}
});
