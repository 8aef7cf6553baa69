/**
 * Everything a sealed upload needs before its first request: a fresh salt (so a fresh key for
 * this file), the sealed bytes as a source, the sealed details for the list, and the
 * fingerprint a resume is checked against.
 */
import { sanitiseFileName } from '../names';
import { sealDetails } from './details';
import { fingerprintFile } from './fingerprint';
import { deriveKeys, newSalt, RECORD_BYTES } from './records';
import { SealedSource } from './seal-source';
import { makeThumbnail } from './thumbnail';

export interface SealedUpload {
	source: SealedSource;
	/** Keep it with the upload's URL to resume after a reload: it fixes the key and nonces. */
	salt: Uint8Array<ArrayBuffer>;
	details: string;
	fingerprint: string;
}

/**
 * `salt` and `recordBytes`: those of an upload being resumed after a reload (same file, same
 * fingerprint), whose record size may be one an older version of the page sealed with; a new
 * upload gets a new salt and today's record size.
 */
export async function prepareSealedUpload(
	file: File,
	secret: Uint8Array<ArrayBuffer>,
	salt = newSalt(),
	recordBytes = RECORD_BYTES
): Promise<SealedUpload> {
	const [keys, thumbnail, fingerprint] = await Promise.all([
		deriveKeys(secret, salt),
		makeThumbnail(file),
		fingerprintFile(file)
	]);
	const details = await sealDetails(secret, {
		name: sanitiseFileName(file.name),
		type: file.type,
		...(thumbnail ? { thumbnail } : {})
	});
	return { source: new SealedSource(file, keys, salt, recordBytes), salt, details, fingerprint };
}
