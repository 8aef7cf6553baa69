/** `npm run bench`: every benchmark in turn, each printing its own figures. */
import { benchCall } from './call.ts';

await benchCall();
process.exit(0);
