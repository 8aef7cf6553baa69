/**
 * A file's name, type and thumbnail, sealed for the list: the server stores and hands on the
 * sealed text (FileInfo.sealed) without being able to read it; pages with the secret open it.
 */
import * as v from 'valibot';
import { MAX_SEALED_METADATA_CHARS } from '../../protocol';
import { sanitiseFileName } from '../names';
import { fromBase64Url, toBase64Url } from './base64url';
import { openBytes, sealBytes } from './message';

export interface SealedDetails {
	name: string;
	type: string;
	/** A small WebP or JPEG made by the sender's browser, base64url. */
	thumbnail?: string;
}

const DetailsSchema = v.object({
	name: v.pipe(v.string(), v.maxLength(1024)),
	type: v.pipe(v.string(), v.maxLength(256)),
	thumbnail: v.optional(v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]*$/)))
});

const encoder = new TextEncoder();

/** Sealed, base64url; without the thumbnail if it would make the text too long to send. */
export async function sealDetails(
	secret: Uint8Array<ArrayBuffer>,
	details: SealedDetails
): Promise<string> {
	const seal = async (what: SealedDetails) =>
		toBase64Url(await sealBytes(secret, encoder.encode(JSON.stringify(what))));
	const sealed = await seal(details);
	if (sealed.length <= MAX_SEALED_METADATA_CHARS || !details.thumbnail) return sealed;
	return seal({ name: details.name, type: details.type });
}

/**
 * The details, checked like anything a room member sends (a modified client may seal
 * anything); undefined when this secret does not open them.
 */
export async function openDetails(
	secret: Uint8Array<ArrayBuffer>,
	sealed: string
): Promise<SealedDetails | undefined> {
	try {
		const json: unknown = JSON.parse(
			new TextDecoder().decode(await openBytes(secret, fromBase64Url(sealed)))
		);
		const parsed = v.parse(DetailsSchema, json);
		return {
			name: sanitiseFileName(parsed.name),
			type: /^[a-z]+\/[a-z0-9][a-z0-9!#$&^_.+-]{0,100}$/.test(parsed.type) ? parsed.type : '',
			...(parsed.thumbnail ? { thumbnail: parsed.thumbnail } : {})
		};
	} catch {
		return undefined;
	}
}
