/**
 * Loaded into the benchmarked server with `--import` (and `--expose-gc`), never by the server
 * itself: on SIGUSR2 it collects garbage and prints what the JavaScript heap holds after it, so the benchmark reads the
 * server's resident memory without the garbage the last phase left behind.
 */
process.on('SIGUSR2', () => {
	const gc = (globalThis as { gc?: () => void }).gc;
	// Twice: the first pass may only finalise what the second can free.
	gc?.();
	gc?.();
	const { heapUsed, external } = process.memoryUsage();
	process.stdout.write(`gc done ${heapUsed} ${external}\n`);
});
