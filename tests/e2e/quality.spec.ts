import { expect, test } from '@playwright/test';
import { createRoom, expectVideoFrames, joinRoom, tile } from './helpers';
import {
	cameraEncoding,
	receivedFrameHeight,
	recordPeerConnections,
	setCameraEncoding
} from './quality-helpers';

test('every remote tile shows a good connection on loopback, with its figures in words', async ({
	browser
}) => {
	const contexts = await Promise.all([0, 1, 2].map(() => browser.newContext()));
	const [ana, bo, cy] = await Promise.all(contexts.map((context) => context.newPage()));
	const link = await createRoom(ana!, { name: 'Ana' });
	await ana!.getByRole('button', { name: 'Join' }).click();
	await joinRoom(bo!, link, 'Bo');
	await joinRoom(cy!, link, 'Cy');

	const people = { Ana: ana!, Bo: bo!, Cy: cy! };
	for (const [name, page] of Object.entries(people)) {
		for (const other of Object.keys(people).filter((other) => other !== name)) {
			await expect(
				tile(page, other).getByRole('img', { name: 'Connection good', exact: true })
			).toBeVisible({ timeout: 20_000 });
		}
		// Your own tile has no connection to rate.
		await expect(tile(page, name).getByRole('img', { name: /^Connection/ })).toHaveCount(0);
	}

	// From the keyboard: the mark is a button that opens the figures, Escape closes them.
	const mark = tile(bo!, 'Ana').getByRole('button', { name: 'Connection good' });
	await mark.focus();
	await bo!.keyboard.press('Enter');
	const figures = bo!.getByRole('dialog', { name: 'Connection with Ana' });
	await expect(figures).toBeVisible();
	await expect(
		tile(bo!, 'Ana').getByRole('button', { name: 'Connection good', expanded: true })
	).toBeVisible();
	for (const term of [
		'Sending',
		'Receiving',
		'Their video',
		'Packet loss',
		'Round trip',
		'Route'
	]) {
		await expect(figures.getByRole('term').filter({ hasText: term })).toHaveCount(1);
	}
	await expect(figures).toContainText('Direct');
	await expect(figures).toContainText(/\d+×\d+, \d+ frames a second/);
	await expect(figures).toContainText(/\d+ kbit\/s/);
	await bo!.keyboard.press('Escape');
	await expect(figures).toBeHidden();
	await Promise.all(contexts.map((context) => context.close()));
});

test('a connection made poor turns "poor", its sender lowers the resolution, and both recover', async ({
	browser
}) => {
	test.setTimeout(120_000);
	const contexts = await Promise.all([0, 1].map(() => browser.newContext()));
	for (const context of contexts) await recordPeerConnections(context);
	const [ana, bo] = await Promise.all(contexts.map((context) => context.newPage()));
	const link = await createRoom(ana!, { name: 'Ana' });
	await ana!.getByRole('button', { name: 'Join' }).click();
	await joinRoom(bo!, link, 'Bo');
	await expectVideoFrames(bo!, 'Ana');
	const anaOnBo = tile(bo!, 'Ana');
	await expect(anaOnBo.getByRole('img', { name: 'Connection good' })).toBeVisible({
		timeout: 20_000
	});
	await expect.poll(() => receivedFrameHeight(bo!), { timeout: 20_000 }).toBe(480);
	expect((await cameraEncoding(ana!)).scaleResolutionDownBy).toBe(1);

	// Ana's uplink to Bo chokes: a few kilobits and two frames a second.
	await setCameraEncoding(ana!, { maxBitrate: 15_000, maxFramerate: 2 });
	await expect(anaOnBo.getByRole('img', { name: 'Connection poor' })).toBeVisible({
		timeout: 30_000
	});
	// Bo told Ana; Ana halves the picture she sends Bo, and leaves the limit she was given.
	await expect
		.poll(async () => (await cameraEncoding(ana!)).scaleResolutionDownBy, { timeout: 15_000 })
		.toBeGreaterThanOrEqual(2);
	expect((await cameraEncoding(ana!)).maxBitrate).toBe(15_000);
	await expect.poll(() => receivedFrameHeight(bo!), { timeout: 20_000 }).toBeLessThanOrEqual(240);

	// The link clears: the mark recovers, and so does the picture, by itself.
	await setCameraEncoding(ana!, { maxBitrate: 1_500_000, maxFramerate: 30 });
	await expect(anaOnBo.getByRole('img', { name: 'Connection good' })).toBeVisible({
		timeout: 45_000
	});
	await expect
		.poll(async () => (await cameraEncoding(ana!)).scaleResolutionDownBy, { timeout: 45_000 })
		.toBe(1);
	await expect.poll(() => receivedFrameHeight(bo!), { timeout: 30_000 }).toBe(480);
	await expect(anaOnBo.getByRole('img', { name: 'Connection good' })).toBeVisible();
	await Promise.all(contexts.map((context) => context.close()));
});
