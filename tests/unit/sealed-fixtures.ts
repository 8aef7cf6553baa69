/**
 * What the sealed-file tests share: RFC 8188 §3.1's secret and salt (so its vector checks our
 * derivation), the 64 KiB records files were first sealed with (they must still open, and
 * small records keep the tests quick), and the opening stream fed as a network would.
 */
import { fromBase64Url } from '../../src/lib/files/sealed/base64url';
import { openSealedBody } from '../../src/lib/files/sealed/open-stream';
import { plainBytesPerRecord } from '../../src/lib/files/sealed/records';

export const secret = fromBase64Url('yqdlZ-tYemfogSmv7Ws5PQ');
export const salt = fromBase64Url('I1BsxtFttlv3u_Oo94xnmw');
export const RECORD_BYTES = 64 * 1024;
export const perRecord = plainBytesPerRecord(RECORD_BYTES);

/** `sealed` in chunks of `chunkBytes`: as a byte stream (a fetch body's kind) or as chunks. */
function streamOf(sealed: Uint8Array<ArrayBuffer>, chunkBytes: number, isByteStream: boolean) {
	const enqueueAll = (controller: {
		enqueue(chunk: Uint8Array<ArrayBuffer>): void;
		close(): void;
	}) => {
		for (let at = 0; at < sealed.length; at += chunkBytes) {
			controller.enqueue(sealed.slice(at, at + chunkBytes));
		}
		controller.close();
	};
	return isByteStream
		? new ReadableStream({ type: 'bytes', start: enqueueAll })
		: new ReadableStream<Uint8Array>({ start: enqueueAll });
}

/**
 * Feeds `sealed` to the opener in chunks of `chunkBytes`, both as a byte stream (read straight
 * into the opener's buffers) and as a stream of chunks (copied in), and checks that the two
 * agree: the same plaintext, or both refused.
 */
export async function openInChunks(
	sealed: Uint8Array<ArrayBuffer>,
	chunkBytes: number
): Promise<Uint8Array> {
	const [fromBytes, fromChunks] = await Promise.allSettled(
		[true, false].map(async (isByteStream) => {
			const opened = openSealedBody(streamOf(sealed, chunkBytes, isByteStream), secret);
			return new Uint8Array(await new Response(opened).arrayBuffer());
		})
	);
	if (fromBytes?.status === 'rejected' && fromChunks?.status === 'rejected') {
		throw fromBytes.reason;
	}
	if (fromBytes?.status !== 'fulfilled' || fromChunks?.status !== 'fulfilled') {
		const refused = [fromBytes, fromChunks].find((result) => result?.status === 'rejected');
		throw new Error(`only one kind of stream was refused: ${String(refused?.reason)}`);
	}
	if (Buffer.compare(fromBytes.value, fromChunks.value) !== 0) {
		throw new Error('a byte stream and a stream of chunks opened to different bytes');
	}
	return fromBytes.value;
}
