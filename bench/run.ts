/** `npm run bench`: every benchmark in turn, each printing its own figures. */
import { benchBundle } from './bundle.ts';
import { benchCall } from './call.ts';

const only = process.argv.slice(2);
const benchmarks: Record<string, () => Promise<void>> = { bundle: benchBundle, call: benchCall };
for (const [name, run] of Object.entries(benchmarks)) {
	if (only.length === 0 || only.includes(name)) await run();
}
process.exit(0);
