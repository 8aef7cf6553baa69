/**
 * What a sealed upload checks before it resumes: the same file, unchanged. A resume re-seals
 * records with the key and nonces of the first attempt; were the file changed, the same nonce
 * would seal different plaintext, which breaks AES-GCM. So a changed file starts again instead.
 */
import { toBase64Url } from './base64url';

/** Hashing the first MiB catches an edit in place that kept the size and the timestamp. */
const HASHED_BYTES = 1024 * 1024;

export async function fingerprintFile(file: File): Promise<string> {
	const head = await file.slice(0, HASHED_BYTES).arrayBuffer();
	const digest = await crypto.subtle.digest('SHA-256', head);
	return `sealed:${file.size}:${file.lastModified}:${encodeURIComponent(file.name)}:${toBase64Url(new Uint8Array(digest))}`;
}

/** The file changed since it was fingerprinted (or can no longer be read at all). */
export async function hasChanged(file: File, fingerprint: string): Promise<boolean> {
	try {
		return (await fingerprintFile(file)) !== fingerprint;
	} catch {
		return true;
	}
}
