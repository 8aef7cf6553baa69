import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { screenshot } from './helpers';

const catalogs = {
	en: JSON.parse(readFileSync('messages/en.json', 'utf8')) as Record<string, string>,
	ko: JSON.parse(readFileSync('messages/ko.json', 'utf8')) as Record<string, string>
};

/** Violations a person would hit: axe's "serious" and "critical". */
type Finding = { screen: string; rule: string; impact: string; targets: string[] };

/** Scans the page as it is now in both colour schemes, adding what it finds to `findings`. */
async function scan(page: Page, screen: string, findings: Finding[], label: string) {
	for (const colorScheme of ['light', 'dark'] as const) {
		await page.emulateMedia({ colorScheme });
		// Colours fade between schemes: axe must see where they end, not a frame in between.
		await page.addStyleTag({ content: '*, *::before, *::after { transition: none !important; }' });
		// Legacy mode runs axe in the page itself. The default runs it in every frame and then
		// opens a blank page to merge the results, forty pages a run; it exists for cross-origin
		// frames, and Dropcall has none (its one frame, for sealed downloads, is same-origin).
		const { violations } = await new AxeBuilder({ page }).setLegacyMode().analyze();
		await screenshot(page, `axe-${label}-${screen.replaceAll(' ', '-')}-${colorScheme}`);
		for (const violation of violations) {
			if (violation.impact !== 'serious' && violation.impact !== 'critical') continue;
			findings.push({
				screen: `${screen} (${colorScheme})`,
				rule: `${violation.id}: ${violation.help}`,
				impact: violation.impact,
				targets: violation.nodes.map(
					(node) => `${node.target.join(' ')}: ${node.failureSummary ?? ''}`
				)
			});
		}
	}
}

for (const language of ['en', 'ko'] as const) {
	test(`every screen passes axe, light and dark: ${language}`, async ({ browser }) => {
		test.setTimeout(360_000);
		const t = catalogs[language];
		const locale = language === 'en' ? 'en-US' : 'ko-KR';
		const findings: Finding[] = [];
		const hostContext = await browser.newContext({
			locale,
			viewport: { width: 1280, height: 800 }
		});
		const host = await hostContext.newPage();

		await host.goto('/');
		await host.getByRole('textbox', { name: t.your_name }).fill('Ana');
		await scan(host, 'lobby', findings, language);
		await host.getByText(t.settings!, { exact: true }).click();
		await scan(host, 'settings', findings, language);
		await host.getByRole('button', { name: t.create_room }).click();
		await expect(host).toHaveURL(/\/r\//);
		const link = host.url();
		await expect(host.getByRole('button', { name: t.join, exact: true })).toBeVisible();
		await scan(host, 'join screen', findings, language);
		await host.getByRole('button', { name: t.join, exact: true }).click();

		const guestContext = await browser.newContext({
			locale,
			viewport: { width: 360, height: 740 }
		});
		// A recording that downloads at the end, rather than asking where to save through a
		// file picker a test cannot answer.
		await guestContext.addInitScript(() => {
			delete (window as unknown as { showSaveFilePicker?: unknown }).showSaveFilePicker;
		});
		const guest = await guestContext.newPage();
		await guest.goto(link);
		await guest.getByRole('textbox', { name: t.your_name }).fill('Bo');
		await guest.getByRole('button', { name: t.join, exact: true }).click();
		await expect(host.getByRole('figure', { name: 'Bo', exact: true })).toBeVisible();

		// Raised hands mark tiles and the people list.
		await host.getByRole('button', { name: t.raise_hand }).click();
		await expect(host.getByRole('list', { name: t.raised_hands })).toBeVisible();
		// The people panel holds the files.
		await expect(host.getByRole('heading', { name: t.files })).toBeVisible();
		await scan(host, 'call with people and files', findings, language);
		await host.getByRole('button', { name: new RegExp(`^${t.chat}`) }).click();
		await expect(host.getByRole('log')).toBeVisible();
		await scan(host, 'call with chat open', findings, language);
		await host.keyboard.press('Shift+Slash');
		await expect(host.getByRole('dialog', { name: t.shortcuts_title })).toBeVisible();
		await scan(host, 'shortcuts dialog', findings, language);
		await host.keyboard.press('Escape');

		// The connection's figures, over the tiles, and someone recording.
		await guest.getByRole('button', { name: t.more_controls, exact: true }).click();
		await guest.getByRole('button', { name: t.record, exact: true }).click();
		await expect(
			host
				.getByRole('figure', { name: 'Bo', exact: true })
				.getByRole('img', { name: t.recording_mark })
		).toBeVisible();
		const mark = host
			.getByRole('figure', { name: 'Bo', exact: true })
			.getByRole('button', { name: t.quality_good });
		await expect(mark).toBeVisible({ timeout: 20_000 });
		await mark.click();
		await expect(
			host.getByRole('dialog', { name: t.quality_figures_title!.replace('{name}', 'Bo') })
		).toBeVisible();
		await scan(host, 'connection figures and recording', findings, language);
		await host.keyboard.press('Escape');
		await guest.getByRole('button', { name: t.more_controls, exact: true }).click();
		await guest.getByRole('button', { name: t.stop_recording, exact: true }).click();

		await guest.getByRole('button', { name: t.more_controls, exact: true }).click();
		await expect(guest.getByRole('group', { name: t.more_controls })).toBeVisible();
		await scan(guest, 'More menu on a phone', findings, language);
		await guest.keyboard.press('Escape');

		await host.getByRole('button', { name: t.board_button, exact: true }).click();
		await expect(host.getByRole('button', { name: t.game_start })).toBeVisible();
		await scan(host, 'whiteboard open', findings, language);
		await host.getByRole('button', { name: t.game_start }).click();
		await expect(host.getByRole('button', { name: t.game_start })).toBeHidden();
		await scan(host, 'game open', findings, language);

		const share = await hostContext.newPage();
		await share.goto('/share');
		await expect(share.getByRole('heading', { level: 1 })).toBeVisible();
		await scan(share, 'share page', findings, language);

		expect(findings).toEqual([]);
		await guestContext.close();
		await hostContext.close();
	});
}
