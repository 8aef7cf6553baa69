import { expect, test, type Page } from '@playwright/test';
import {
	createRoom,
	expectRemovedVideosReleased,
	expectNoVideo,
	expectVideoFrames,
	joinRoom,
	launchWithoutDevices,
	screenshot,
	tile,
	watchRemovedVideos
} from './helpers';

/** Every remote voice this page plays: live, unmuted tracks in playing <audio> elements. */
async function playingVoices(page: Page): Promise<number> {
	return page.locator('audio').evaluateAll(
		(elements: HTMLAudioElement[]) =>
			elements.filter((audio) => {
				const track = (audio.srcObject as MediaStream | null)?.getAudioTracks()[0];
				return !audio.paused && track?.readyState === 'live' && !track.muted;
			}).length
	);
}

test('camera, mic-only and no-device people see and hear each other', async ({ browser }) => {
	// Ana's context counts as a touch device, which is where "Switch camera" is offered.
	const anaContext = await browser.newContext({ hasTouch: true });
	const boContext = await browser.newContext();
	const bare = await launchWithoutDevices();
	const chulContext = await bare.newContext();
	const ana = await anaContext.newPage();
	const bo = await boContext.newPage();
	const chul = await chulContext.newPage();

	const link = await createRoom(ana, { name: 'Ana' });
	await expect(ana.getByRole('button', { name: 'Camera', exact: true })).toHaveAttribute(
		'aria-pressed',
		'true'
	);
	await expect(ana.getByRole('combobox', { name: 'Camera device' })).toBeVisible();
	await expect(ana.getByRole('combobox', { name: 'Microphone device' })).toBeVisible();
	await watchRemovedVideos(ana);
	await ana.getByRole('button', { name: 'Join' }).click();

	// Bo turns the camera off before joining: microphone only.
	await bo.goto(link);
	const boCamera = bo.getByRole('button', { name: 'Camera', exact: true });
	await expect(boCamera).toHaveAttribute('aria-pressed', 'true');
	await boCamera.click();
	await expect(boCamera).toHaveAttribute('aria-pressed', 'false');
	await joinRoom(bo, link, 'Bo');

	// Chul's browser has no devices at all; the join screen says so and still lets him in.
	await chul.goto(link);
	await expect(
		chul.getByRole('status').filter({ hasText: 'No camera and microphone' })
	).toBeVisible();
	await joinRoom(chul, link, 'Chul');

	await expectVideoFrames(bo, 'Ana');
	await expectVideoFrames(chul, 'Ana');
	await expectNoVideo(ana, 'Bo');
	await expectNoVideo(chul, 'Bo');
	await expectNoVideo(ana, 'Chul');
	await expect(tile(ana, 'Chul').getByRole('img', { name: 'Microphone off' })).toBeVisible();
	await expect(tile(ana, 'Bo').getByRole('img', { name: 'Microphone off' })).toHaveCount(0);
	// Chul sends nothing but hears both: two live voices playing on his page.
	await expect.poll(() => playingVoices(chul), { timeout: 15_000 }).toBe(2);
	await expect.poll(() => playingVoices(ana), { timeout: 15_000 }).toBe(1);

	await screenshot(bo, 'call-three-desktop');

	// Camera off, on, and switched: Bo's view of Ana keeps working throughout.
	const anaCamera = ana.getByRole('button', { name: 'Camera', exact: true });
	await anaCamera.click();
	await expect(anaCamera).toHaveAttribute('aria-pressed', 'false');
	await expectNoVideo(bo, 'Ana');
	await anaCamera.click();
	await expect(anaCamera).toHaveAttribute('aria-pressed', 'true');
	await expectVideoFrames(bo, 'Ana');
	await ana.getByRole('button', { name: 'Switch camera' }).click();
	await expectVideoFrames(bo, 'Ana');
	await expectVideoFrames(chul, 'Ana');
	// The join screen's preview and the self view the camera switch replaced held the camera.
	await expectRemovedVideosReleased(ana);

	// Muting shows the mark on the others' tiles.
	await ana.getByRole('button', { name: 'Microphone' }).click();
	await expect(tile(bo, 'Ana').getByRole('img', { name: 'Microphone off' })).toBeVisible();

	await anaContext.close();
	await expect(tile(bo, 'Ana')).toHaveCount(0);
	await expect(tile(chul, 'Ana')).toHaveCount(0);
	await Promise.all([boContext.close(), bare.close()]);
});

test('a camera turned on late and a screen share reach the other side', async ({ browser }) => {
	const anaContext = await browser.newContext();
	const boContext = await browser.newContext();
	const ana = await anaContext.newPage();
	const bo = await boContext.newPage();
	const link = await createRoom(ana, { name: 'Ana' });
	await ana.getByRole('button', { name: 'Camera', exact: true }).click();
	await ana.getByRole('button', { name: 'Join' }).click();
	await joinRoom(bo, link, 'Bo');
	await expectVideoFrames(ana, 'Bo');
	await expectNoVideo(bo, 'Ana');

	await ana.getByRole('button', { name: 'Camera', exact: true }).click();
	await expectVideoFrames(bo, 'Ana');

	await bo.getByRole('button', { name: 'Share screen' }).click();
	await expect(bo.getByRole('button', { name: 'Share screen' })).toHaveAttribute(
		'aria-pressed',
		'true'
	);
	await expectVideoFrames(ana, "Bo's screen");
	await expectVideoFrames(ana, 'Bo');
	await screenshot(ana, 'call-screen-share-desktop');
	await bo.getByRole('button', { name: 'Share screen' }).click();
	await expect(tile(ana, "Bo's screen")).toHaveCount(0);

	await bo.getByRole('button', { name: 'Leave' }).click();
	await expect(tile(ana, 'Bo')).toHaveCount(0);
	// Leaving released Bo's camera and microphone.
	await expect(bo.getByRole('heading', { name: 'You left the room' })).toBeVisible();
	await Promise.all([anaContext.close(), boContext.close()]);
});

test('a phone-sized call of four looks right', async ({ browser }) => {
	const viewport = { width: 390, height: 844 };
	const contexts = await Promise.all([1, 2, 3, 4].map(() => browser.newContext({ viewport })));
	const pages = await Promise.all(contexts.map((context) => context.newPage()));
	const link = await createRoom(pages[0]!, { name: 'Ana' });
	await pages[0]!.getByRole('button', { name: 'Join' }).click();
	const names = ['Bo', '철수', 'Dana'];
	for (const [index, name] of names.entries()) await joinRoom(pages[index + 1]!, link, name);
	for (const name of names) await expectVideoFrames(pages[0]!, name);
	await screenshot(pages[0]!, 'call-four-phone');
	await Promise.all(contexts.map((context) => context.close()));
});
