import { expect, test } from '@playwright/test';
import { createRoom, expectVideoFrames, joinRoom, showControl } from './helpers';

test('"Picture in picture" floats the person speaking in a window of its own, and closes it', async ({
	browser
}) => {
	const contexts = await Promise.all([0, 1].map(() => browser.newContext()));
	const [ana, bo] = await Promise.all(contexts.map((context) => context.newPage()));
	const link = await createRoom(ana!, { name: 'Ana' });
	await ana!.getByRole('button', { name: 'Join' }).click();
	await joinRoom(bo!, link, 'Bo');
	await expectVideoFrames(ana!, 'Bo');

	await (await showControl(ana!, 'Picture in picture')).click();
	await expect(ana!.getByRole('button', { name: 'Picture in picture' })).toHaveAttribute(
		'aria-pressed',
		'true'
	);
	// Whichever window this browser has, it plays Bo's camera.
	const floating = () =>
		ana!.evaluate(() => {
			const pip = (window as { documentPictureInPicture?: { window: Window | null } })
				.documentPictureInPicture?.window;
			const video = (pip?.document.querySelector('video') ??
				document.pictureInPictureElement) as HTMLVideoElement | null;
			if (!video) return undefined;
			return {
				kind: pip ? 'document' : 'video',
				caption: pip?.document.querySelector('p')?.textContent ?? '',
				frames: video.getVideoPlaybackQuality().totalVideoFrames
			};
		});
	await expect.poll(async () => (await floating())?.frames ?? 0).toBeGreaterThan(0);
	const shown = await floating();
	if (shown?.kind === 'document') expect(shown.caption).toBe('Bo');

	await (await showControl(ana!, 'Picture in picture')).click();
	await expect(ana!.getByRole('button', { name: 'Picture in picture' })).toHaveAttribute(
		'aria-pressed',
		'false'
	);
	await expect.poll(floating).toBeUndefined();
	await Promise.all(contexts.map((context) => context.close()));
});
