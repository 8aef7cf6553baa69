/**
 * `npm run bench`: runs every benchmark in turn and prints its figures. A benchmark is a file
 * in bench/ exporting a `Benchmark`; add it to the list below. Each gets a deadline and must
 * clean up after itself whether it finishes, fails or runs out of time.
 */
import { filesBenchmark } from './files.ts';

export interface Benchmark {
	name: string;
	/** Longest it may take on the 2-core reference machine before it is stopped. */
	deadlineSeconds: number;
	run(signal: AbortSignal): Promise<string[]>;
}

const benchmarks: Benchmark[] = [filesBenchmark];

let failed = false;
for (const benchmark of benchmarks) {
	const controller = new AbortController();
	const deadline = setTimeout(
		() => controller.abort(new Error(`took longer than ${benchmark.deadlineSeconds} s`)),
		benchmark.deadlineSeconds * 1000
	);
	console.log(`\n${benchmark.name}`);
	try {
		for (const line of await benchmark.run(controller.signal)) console.log(`  ${line}`);
	} catch (error) {
		failed = true;
		console.error(`  failed: ${(error as Error).message}`);
	} finally {
		clearTimeout(deadline);
	}
}
process.exit(failed ? 1 : 0);
