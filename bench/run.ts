/**
 * `npm run bench`: runs every benchmark in turn and prints its figures. A benchmark is a file
 * in bench/ exporting a `Benchmark`; add it to the list below. Each gets a deadline and must
 * clean up after itself whether it finishes, fails or runs out of time.
 */
import { benchBundle } from './bundle.ts';
import { benchCall } from './call.ts';
import { clusterBenchmark } from './cluster.ts';
import { filesBenchmark } from './files.ts';
import { filesSealedBenchmark } from './files-sealed.ts';
import { loadBenchmark } from './load.ts';
import { reloadBenchmark } from './reload.ts';
import { qualityBenchmark } from './quality.ts';

export interface Benchmark {
	name: string;
	/** Longest it may take on the 2-core reference machine before it is stopped. */
	deadlineSeconds: number;
	run(signal: AbortSignal): Promise<string[]>;
}

/** Benchmarks that print their own figures as they go. */
const printing = (name: string, deadlineSeconds: number, run: () => Promise<void>): Benchmark => ({
	name,
	deadlineSeconds,
	run: async () => {
		await run();
		return [];
	}
});

const all: Benchmark[] = [
	printing('First-load size', 120, benchBundle),
	printing('Calls', 900, benchCall),
	qualityBenchmark,
	filesBenchmark,
	filesSealedBenchmark,
	loadBenchmark,
	reloadBenchmark,
	clusterBenchmark
];
// `npm run bench -- files` runs only the benchmarks with a word in their name that starts with
// a given one: `load` picks "load: …" and not "First-load size". Flags (`--rooms 200`) and
// their values are the benchmarks' own.
const only = process.argv
	.slice(2)
	.filter((word, index, words) => !word.startsWith('--') && !words[index - 1]?.startsWith('--'))
	.map((word) => word.toLowerCase());
const benchmarks = all.filter((benchmark) => {
	const words = benchmark.name.toLowerCase().split(/[\s:]+/);
	return only.length === 0 || only.some((word) => words.some((name) => name.startsWith(word)));
});

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
