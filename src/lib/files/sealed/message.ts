/**
 * Small things sealed whole, in the same format as files: a file's name, type and thumbnail
 * travel to the server as one sealed message it stores and hands on but cannot read.
 */
import { openSealedBody } from './open-stream';
import { deriveKeys, newSalt } from './records';
import { SealedSource } from './seal-source';

export async function sealBytes(
	secret: Uint8Array<ArrayBuffer>,
	plain: Uint8Array<ArrayBuffer>,
	salt = newSalt()
): Promise<Uint8Array<ArrayBuffer>> {
	const source = new SealedSource(new Blob([plain]), await deriveKeys(secret, salt), salt);
	return source.slice(0, source.size);
}

/** Throws TamperedError when the bytes were not sealed with this secret, or were changed. */
export async function openBytes(
	secret: Uint8Array<ArrayBuffer>,
	sealed: Uint8Array<ArrayBuffer>
): Promise<Uint8Array<ArrayBuffer>> {
	const opened = openSealedBody(new Blob([sealed]).stream(), secret);
	return new Uint8Array(await new Response(opened).arrayBuffer());
}
