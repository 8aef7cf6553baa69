import { expect, test, type Page } from '@playwright/test';
import { createRoom, joinRoom, launchWithoutDevices, openPanel, tile } from './helpers';

/** The names in the "Raised hands" list, in the order shown. */
async function expectHands(page: Page, names: string[]) {
	await openPanel(page);
	const list = page.getByRole('list', { name: 'Raised hands' });
	if (names.length === 0) {
		await expect(list).toHaveCount(0);
		return;
	}
	await expect(list.getByRole('listitem')).toHaveText(names);
}

test('raised hands show in the order raised on every page, and go with lowering and leaving', async () => {
	// Hands travel without media: three people sending each other video (six encoders on two
	// cores) only slowed this test and whatever ran after it.
	const browser = await launchWithoutDevices();
	const people = await Promise.all(['Ana', 'Bo', 'Cy'].map(() => browser.newContext()));
	const [ana, bo, cy] = await Promise.all(people.map((context) => context.newPage()));
	const link = await createRoom(ana!, { name: 'Ana' });
	await ana!.getByRole('button', { name: 'Join' }).click();
	await joinRoom(bo!, link, 'Bo');
	await expect(tile(ana!, 'Bo')).toBeVisible();

	await bo!.getByRole('button', { name: 'Raise hand' }).click();
	await expect(bo!.getByRole('button', { name: 'Lower hand' })).toBeVisible();
	await expectHands(ana!, ['Bo']);
	await ana!.getByRole('button', { name: 'Raise hand' }).click();
	await expectHands(ana!, ['Bo', 'Ana']);
	await expectHands(bo!, ['Bo', 'Ana']);
	await expect(tile(ana!, 'Bo')).toContainText('Hand raised, number 1 in line');
	await expect(tile(bo!, 'Ana')).toContainText('Hand raised, number 2 in line');

	// A late joiner learns who has a hand up, in the same order.
	await joinRoom(cy!, link, 'Cy');
	await expectHands(cy!, ['Bo', 'Ana']);
	await cy!.getByRole('button', { name: 'Raise hand' }).click();
	for (const page of [ana!, bo!, cy!]) await expectHands(page, ['Bo', 'Ana', 'Cy']);

	await bo!.getByRole('button', { name: 'Lower hand' }).click();
	await expect(bo!.getByRole('button', { name: 'Raise hand' })).toBeVisible();
	for (const page of [ana!, bo!, cy!]) await expectHands(page, ['Ana', 'Cy']);
	await expect(tile(cy!, 'Bo')).not.toContainText('Hand raised');

	await ana!.getByRole('button', { name: 'Leave' }).click();
	for (const page of [bo!, cy!]) await expectHands(page, ['Cy']);
	await expect(tile(bo!, 'Cy')).toContainText('Hand raised, number 1 in line');
	await browser.close();
});
