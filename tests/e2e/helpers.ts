/** What a person does in the UI, step by step, shared by the end-to-end tests. */
import { chromium, expect, type Browser, type Page } from '@playwright/test';
import { baseArgs, chromiumPath } from './browser';

export interface RoomOptions {
	name?: string;
	seats?: number;
	devices?: 'none' | 'audio' | 'video';
}

/** Creates a room from the lobby and returns its invite link. */
export async function createRoom(page: Page, options: RoomOptions = {}): Promise<string> {
	await page.goto('/');
	if (options.name) await page.getByRole('textbox', { name: 'Your name' }).fill(options.name);
	await page.getByRole('combobox', { name: 'Seats' }).selectOption(String(options.seats ?? 4));
	await page
		.getByRole('combobox', { name: 'Devices required' })
		.selectOption(options.devices ?? 'none');
	await page.getByRole('button', { name: 'Create room' }).click();
	await expect(page).toHaveURL(/\/r\/[A-Za-z0-9_-]{22}$/);
	return page.url();
}

/** Opens an invite link, types a name and presses Join. */
export async function joinRoom(page: Page, link: string, name: string): Promise<void> {
	if (page.url() !== link) await page.goto(link);
	await page.getByRole('textbox', { name: 'Your name' }).fill(name);
	await page.getByRole('button', { name: 'Join' }).click();
}

export async function expectPeople(page: Page, names: string[]): Promise<void> {
	const people = page.getByRole('list', { name: 'People' }).getByRole('listitem');
	await expect(people).toHaveCount(names.length);
	for (const name of names) await expect(people.filter({ hasText: name })).toHaveCount(1);
}

/** A browser launched without fake devices: here that means no camera and no microphone. */
export function launchWithoutDevices(): Promise<Browser> {
	return chromium.launch({ executablePath: chromiumPath(), args: baseArgs });
}

export async function screenshot(page: Page, name: string): Promise<void> {
	await page.screenshot({ path: `test-results/screenshots/${name}.png`, fullPage: false });
}
