import { defineConfig } from '@playwright/test';
import { baseArgs, chromiumPath, fakeDeviceArgs } from './tests/e2e/browser';
import { fileSettings, limitSettings, seatSettings } from './tests/e2e/server-env';

const port = Number(process.env.E2E_PORT ?? 4317);

export default defineConfig({
	testDir: 'tests/e2e',
	// Calls in parallel starve each other on a 2-core machine and flake.
	workers: 1,
	fullyParallel: false,
	retries: process.env.CI ? 1 : 0,
	timeout: 60_000,
	expect: { timeout: 10_000 },
	reporter: process.env.CI ? [['list']] : [['list'], ['html', { open: 'never' }]],
	use: {
		baseURL: `http://127.0.0.1:${port}`,
		browserName: 'chromium',
		launchOptions: {
			executablePath: chromiumPath(),
			args: [...baseArgs, ...fakeDeviceArgs]
		},
		permissions: ['camera', 'microphone', 'clipboard-read', 'clipboard-write'],
		// Recording a trace (screenshots and DOM snapshots of every context, every action) made
		// each test a third to a half slower on a 2-core machine, and was thrown away whenever
		// the test passed. A failure in CI is retried with a trace; locally, rerun the spec
		// with --trace on.
		trace: 'on-first-retry'
	},
	webServer: {
		command: 'node scripts/build-if-stale.js && tsx server/index.ts',
		url: `http://127.0.0.1:${port}/healthz`,
		reuseExistingServer: false,
		// A first build on a clean clone takes two minutes on a busy 2-core machine.
		timeout: 300_000,
		env: {
			PORT: String(port),
			HOST: '127.0.0.1',
			QUIET: '1',
			...fileSettings,
			...seatSettings,
			...limitSettings
		}
	}
});
