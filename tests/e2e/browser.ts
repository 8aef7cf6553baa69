/** How Chromium is started for the end-to-end tests, on this machine and on others. */
import { existsSync } from 'node:fs';

/** Debian's Chromium where it exists (browser downloads are blocked here), else Playwright's. */
export function chromiumPath(): string | undefined {
	if (process.env.CHROMIUM_PATH) return process.env.CHROMIUM_PATH;
	return existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : undefined;
}

/** Flags that keep Chromium quiet on a machine with no network but loopback. */
export const baseArgs = [
	'--no-sandbox',
	'--disable-gpu',
	'--disable-quic',
	'--no-first-run',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync',
	// Host candidates as plain loopback addresses rather than mDNS names nobody resolves here.
	'--disable-features=WebRtcHideLocalIpsWithMdns'
];

/** A fake camera and microphone, granted without a prompt. */
export const fakeDeviceArgs = [
	'--use-fake-device-for-media-stream',
	'--use-fake-ui-for-media-stream'
];
