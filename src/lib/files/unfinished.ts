/**
 * Uploads this tab had under way, so a reload can continue them where they stopped. The page
 * that comes back holds the same seat (see room/saved-seat.ts), so the server still has the
 * bytes that arrived and answers the upload's offset to the same credential; what the page
 * cannot get back is the File, which browsers never hand over again after a reload. So the
 * person is asked to pick it again, and tus continues at the server's offset, not from zero.
 *
 * Kept in sessionStorage, not in tus-js-client's localStorage fingerprints: those are shared
 * by every tab of the browser, and a second tab is a second person with a seat of its own.
 */
import * as v from 'valibot';
import { FileIdSchema } from '../protocol';
import { MAX_RECORD_BYTES } from './sealed/records';

/** The record size pages sealed with before they kept it here. */
const FIRST_RECORD_BYTES = 64 * 1024;

const STORAGE_KEY = 'dropcall:unfinished-uploads';

const UnfinishedSchema = v.object({
	id: FileIdSchema,
	name: v.string(),
	size: v.number(),
	type: v.string(),
	lastModified: v.number(),
	/** The sealing's salt: picked again, the file is sealed to the same bytes (sealed/prepare.ts). */
	salt: v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{16,64}$/)),
	/** What the file was; a file changed since then must not be sealed with the same salt. */
	fingerprint: v.pipe(v.string(), v.maxLength(2048)),
	/**
	 * The record size it was sealed with. A resume must keep it: records of another size would
	 * seal other bytes under the same key and nonces, and not follow on from the server's.
	 */
	recordBytes: v.optional(
		v.pipe(v.number(), v.integer(), v.minValue(1024), v.maxValue(MAX_RECORD_BYTES)),
		FIRST_RECORD_BYTES
	)
});
export type UnfinishedUpload = v.InferOutput<typeof UnfinishedSchema>;

export function readUnfinished(): UnfinishedUpload[] {
	try {
		const stored: unknown = JSON.parse(sessionStorage.getItem(STORAGE_KEY) ?? '[]');
		const parsed = v.safeParse(v.array(UnfinishedSchema), stored);
		return parsed.success ? parsed.output : [];
	} catch {
		// No storage here (switched off, or not a browser): nothing to continue.
		return [];
	}
}

function write(uploads: UnfinishedUpload[]): void {
	try {
		if (uploads.length) sessionStorage.setItem(STORAGE_KEY, JSON.stringify(uploads));
		else sessionStorage.removeItem(STORAGE_KEY);
	} catch {
		// Full or switched off: after a reload the person starts the upload again from zero.
	}
}

export function rememberUnfinished(
	id: string,
	file: File,
	sealing: { salt: string; fingerprint: string; recordBytes: number }
): void {
	const { name, size, type, lastModified } = file;
	write([
		...readUnfinished().filter((upload) => upload.id !== id),
		{ id, name, size, type, lastModified, ...sealing }
	]);
}

export function forgetUnfinished(id: string | undefined): void {
	if (id === undefined) return;
	const left = readUnfinished().filter((upload) => upload.id !== id);
	write(left);
}

export function forgetAllUnfinished(): void {
	write([]);
}

/** The file picked again is the one that was uploading: same name, size and date. */
export function isSameFile(file: File, upload: UnfinishedUpload): boolean {
	return (
		file.name === upload.name &&
		file.size === upload.size &&
		file.lastModified === upload.lastModified
	);
}
