/**
 * The least an HTTP server in Node can do to move a file: PUT streams the body to disk, GET
 * streams it back, nothing counted, checked or resumable. The benchmark runs it as its own
 * process beside Dropcall's to tell what Dropcall costs from what Node and loopback TCP cost.
 * Usage: plain-server.ts <folder>; prints "listening on <port>".
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';

const path = join(process.argv[2] ?? '.', 'plain.bin');
// The same write batching and read chunks as Dropcall's store, so only the rest differs.
const server = createServer(async (request, response) => {
	try {
		if (request.method === 'PUT') {
			await pipeline(request, createWriteStream(path, { highWaterMark: 4 * 2 ** 20 }));
			response.writeHead(204).end();
		} else {
			response.writeHead(200, { 'Content-Length': (await stat(path)).size });
			await pipeline(createReadStream(path, { highWaterMark: 2 ** 20 }), response);
		}
	} catch {
		response.destroy();
	}
});
server.listen(0, '127.0.0.1', () => {
	const address = server.address();
	console.log(`listening on ${typeof address === 'object' && address ? address.port : 0}`);
});
