/**
 * What the sealed-file tests share: RFC 8188 §3.1's secret and salt (so its vector checks our
 * derivation), the 64 KiB records files were first sealed with (they must still open, and
 * small records keep the tests quick), and the opening stream fed as a network would.
 */
import { fromBase64Url } from '../../src/lib/files/sealed/base64url';
import { openSealedStream } from '../../src/lib/files/sealed/open-stream';
import { plainBytesPerRecord } from '../../src/lib/files/sealed/records';

export const secret = fromBase64Url('yqdlZ-tYemfogSmv7Ws5PQ');
export const salt = fromBase64Url('I1BsxtFttlv3u_Oo94xnmw');
export const RECORD_BYTES = 64 * 1024;
export const perRecord = plainBytesPerRecord(RECORD_BYTES);

/** Feeds `sealed` through the opening stream in chunks of `chunkBytes`. */
export async function openInChunks(sealed: Uint8Array, chunkBytes: number): Promise<Uint8Array> {
	const chunks = new ReadableStream<Uint8Array>({
		start(controller) {
			for (let at = 0; at < sealed.length; at += chunkBytes) {
				controller.enqueue(sealed.slice(at, at + chunkBytes));
			}
			controller.close();
		}
	});
	return new Uint8Array(
		await new Response(chunks.pipeThrough(openSealedStream(secret))).arrayBuffer()
	);
}
