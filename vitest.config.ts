import { defineConfig } from 'vitest/config';

// Unit and server tests run in Node without the SvelteKit plugin: they import plain modules.
export default defineConfig({
	test: {
		include: ['tests/unit/**/*.test.ts'],
		environment: 'node',
		// A guard against hangs, not a speed check: the CPU-bound property tests (sealed records,
		// hostile payloads) take 7-10 s when other work shares the two cores.
		testTimeout: 20_000,
		// Vitest's default on a 2-core machine is one worker, yet most of these tests wait (on
		// sockets, child processes, Redis, timers): the whole run used 40 s of CPU in 200 s, and
		// two files at a time took 75-100 s. Every file makes its own ports and folders. Three at
		// a time gained little more and slowed the CPU-bound tests the most.
		maxWorkers: 2
	}
});
