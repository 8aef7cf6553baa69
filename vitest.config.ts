import { defineConfig } from 'vitest/config';

// Unit and server tests run in Node without the SvelteKit plugin: they import plain modules.
export default defineConfig({
	test: {
		include: ['tests/unit/**/*.test.ts'],
		environment: 'node',
		testTimeout: 10000
	}
});
