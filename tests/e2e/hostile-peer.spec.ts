import { expect, test, type BrowserContext, type Page } from '@playwright/test';
import { board, drawLine, expectConnected, inkAt, openWhiteboard } from './board-helpers';
import { createRoom, joinRoom, launchWithoutDevices } from './helpers';

const desktop = { viewport: { width: 1280, height: 800 } };

/**
 * Makes every data-channel message this browser sends hostile, the way a modified client
 * would: a chat time no date can hold, Lamport times at the end of time. It also lets the test
 * send forged messages on any channel and see what the page last received.
 */
async function makeHostile(context: BrowserContext): Promise<void> {
	await context.addInitScript(() => {
		const MAX = Number.MAX_SAFE_INTEGER;
		const channels: RTCDataChannel[] = [];
		const lastReceived: Record<string, unknown> = {};
		const create = RTCPeerConnection.prototype.createDataChannel;
		RTCPeerConnection.prototype.createDataChannel = function (
			this: RTCPeerConnection,
			...args: Parameters<RTCPeerConnection['createDataChannel']>
		) {
			const channel = create.apply(this, args);
			channels.push(channel);
			channel.addEventListener('message', (event: MessageEvent) => {
				try {
					const wire = JSON.parse(String(event.data)) as { type: string };
					lastReceived[`${channel.label}:${wire.type}`] = wire;
				} catch {
					// Not ours to read.
				}
			});
			return channel;
		};
		type Wire = Record<string, Record<string, unknown> & { type?: string }>;
		function rewrite(label: string, wire: Wire & { type: string }): unknown {
			if (label === 'chat' && wire.type === 'message' && wire.message) {
				// One past the largest time a Date holds: formatting it throws "Invalid time value".
				wire.message.sentAt = 8.64e15 + 1;
				wire.message.lamport = MAX;
			}
			if (label === 'board' && wire.type === 'start' && wire.stroke) wire.stroke.lamport = MAX;
			return wire;
		}
		const send = RTCDataChannel.prototype.send as (this: RTCDataChannel, data: string) => void;
		RTCDataChannel.prototype.send = function (this: RTCDataChannel, data: unknown) {
			if (typeof data === 'string') {
				try {
					data = JSON.stringify(rewrite(this.label, JSON.parse(data)));
				} catch {
					// Leave anything that is not JSON as it is.
				}
			}
			return send.call(this, data as string);
		};
		Object.assign(window, {
			hostile: {
				lastReceived,
				sendAll(label: string, wire: unknown) {
					for (const channel of channels) {
						if (channel.label === label && channel.readyState === 'open') {
							send.call(channel, JSON.stringify(wire));
						}
					}
				}
			}
		});
	});
}

interface Hostile {
	lastReceived: Record<string, { state?: Record<string, unknown> } | undefined>;
	sendAll(label: string, wire: unknown): void;
}

function sendForged(page: Page, label: string, wire: unknown): Promise<void> {
	return page.evaluate(
		([label, wire]) => (window as unknown as { hostile: Hostile }).hostile.sendAll(label, wire),
		[label, wire] as const
	);
}

async function openChat(page: Page) {
	const button = page.getByRole('button', { name: 'Chat', exact: true });
	if ((await button.getAttribute('aria-expanded')) !== 'true') await button.click();
	return page.getByRole('log', { name: 'Chat messages' });
}

async function say(page: Page, text: string) {
	await openChat(page);
	const box = page.getByRole('textbox', { name: 'Message' });
	await box.fill(text);
	await box.press('Enter');
	await expect(box).toHaveValue('');
}

const ignoredNotice = (page: Page) =>
	page.getByRole('status').filter({ hasText: 'Something Mallory sent could not be used' });

test('one hostile peer cannot break chat, board or game for the others', async () => {
	test.setTimeout(180_000);
	// Data channels, not media, are the point: three people sending each other video (six
	// encoders on two cores) only slowed this test and whatever ran after it.
	const browser = await launchWithoutDevices();
	const anaContext = await browser.newContext(desktop);
	const boContext = await browser.newContext(desktop);
	const malloryContext = await browser.newContext(desktop);
	await makeHostile(malloryContext);
	const ana = await anaContext.newPage();
	const bo = await boContext.newPage();
	const mallory = await malloryContext.newPage();
	const link = await createRoom(ana, { name: 'Ana' });
	await ana.getByRole('button', { name: 'Join' }).click();
	await joinRoom(bo, link, 'Bo');
	await joinRoom(mallory, link, 'Mallory');
	for (const [page, others] of [
		[ana, ['Bo', 'Mallory']],
		[bo, ['Ana', 'Mallory']],
		[mallory, ['Ana', 'Bo']]
	] as const) {
		for (const name of others) await expectConnected(page, name);
	}

	// Chat: Mallory's message carries an impossible time and the last Lamport time there is.
	await say(ana, 'Before Mallory');
	await expect((await openChat(bo)).getByText('Before Mallory')).toBeVisible();
	await say(mallory, 'Frozen yet?');
	await expect(ignoredNotice(bo)).toBeVisible();
	await expect(ignoredNotice(ana)).toBeVisible();
	await say(ana, 'Chat still works');
	await say(bo, 'It does');
	for (const page of [ana, bo]) {
		const log = await openChat(page);
		await expect(log.getByText('Chat still works')).toBeVisible();
		await expect(log.getByText('It does')).toBeVisible();
		await expect(log.getByText('Frozen yet?')).toHaveCount(0);
	}
	// Dismissed, the notice goes until Mallory does something like it again.
	await bo.getByRole('button', { name: 'Dismiss this notice' }).click();
	await expect(ignoredNotice(bo)).toHaveCount(0);

	// Board: Mallory's stroke starts at the end of time; Ana's later stroke still reaches Bo.
	for (const page of [ana, bo, mallory]) await openWhiteboard(page);
	await drawLine(mallory, [0.1, 0.85], [0.9, 0.85]);
	await expect(ignoredNotice(bo)).toBeVisible();
	expect(await inkAt(bo, 0.5, 0.85)).toBe(false);
	await drawLine(ana, [0.2, 0.3], [0.8, 0.6]);
	await expect.poll(() => inkAt(bo, 0.5, 0.45)).toBe(true);
	await bo.getByRole('button', { name: 'Dismiss this notice' }).click();
	await expect(ignoredNotice(bo)).toHaveCount(0);

	// Game: Ana starts and hosts. Mallory forges the host's state: the game's end, and a
	// version at the end of time.
	await ana.getByRole('button', { name: 'Start game' }).click();
	await expect(bo.getByRole('main').getByText('Ana is choosing a word…')).toBeVisible();
	const received = await mallory.evaluate(() =>
		Object.keys((window as unknown as { hostile: Hostile }).hostile.lastReceived)
	);
	expect(received).toContain('game:state');
	const state = await mallory.evaluate(
		() => (window as unknown as { hostile: Hostile }).hostile.lastReceived['game:state']?.state
	);
	if (!state) throw new Error('Mallory never heard the game state');
	const version = Number(state.version);
	await sendForged(mallory, 'game', {
		type: 'state',
		state: { ...state, version: version + 1, phase: 'over', endReason: 'too-few-players' }
	});
	await sendForged(mallory, 'game', {
		type: 'state',
		state: { ...state, version: Number.MAX_SAFE_INTEGER }
	});
	// And a stroke on the board during Ana's round, though only the drawer has the pen.
	await sendForged(mallory, 'board', {
		type: 'start',
		stroke: {
			id: 'forged-stroke-1',
			lamport: 1000,
			tool: 'pen',
			color: '#e03131',
			width: 0.02,
			points: [0.1, 0.1, 0.5, 0.9, 0.1, 0.5]
		}
	});
	// Only the forged states are told of (in the game panel); the stroke is merely not drawn.
	await expect(ignoredNotice(bo)).toHaveCount(1);

	const choices = ana.getByRole('group', { name: 'Words to choose from' }).getByRole('button');
	await expect(choices).toHaveCount(3);
	const word = (await choices.first().innerText()).trim();
	await choices.first().click();
	await expect(bo.getByRole('main').getByText('What is Ana drawing?')).toBeVisible();
	await drawLine(ana, [0.3, 0.7], [0.7, 0.7]);
	await expect.poll(() => inkAt(bo, 0.5, 0.7)).toBe(true);
	expect(await inkAt(bo, 0.5, 0.1)).toBe(false);
	const guessBox = bo.getByRole('textbox', { name: 'Your guess' });
	await guessBox.fill(word);
	await guessBox.press('Enter');
	await expect(bo.getByRole('main').getByText('You got it!')).toBeVisible();
	await expect(board(bo)).toBeVisible();

	// And chat goes on after all of it.
	await say(ana, 'Game survived');
	await expect((await openChat(bo)).getByText('Game survived')).toBeVisible();

	await browser.close();
});
