/**
 * Files shared into Dropcall from the phone's share sheet wait here (in IndexedDB, on this
 * device only) between the service worker that receives them and the room they go to.
 * Any site can post to the share target too, so a room uploads them only once the person
 * says so there (see offer.svelte.ts).
 */
import { del, get, set } from 'idb-keyval';

export interface PendingShare {
	files: File[];
	/** Title, text and URL that came with the share, joined. */
	text: string;
	receivedAt: number;
}

const KEY = 'share:pending';
/** A share nobody picked a room for within a day is dropped rather than kept forever. */
const MAX_AGE_MS = 24 * 3600 * 1000;

export async function savePendingShare(share: PendingShare): Promise<void> {
	await set(KEY, share);
}

export async function loadPendingShare(): Promise<PendingShare | undefined> {
	try {
		const share = await get<PendingShare>(KEY);
		if (share && Date.now() - share.receivedAt < MAX_AGE_MS) return share;
		if (share) await del(KEY);
	} catch {
		// No IndexedDB: nothing can have been kept.
	}
	return undefined;
}

/**
 * Drops the waiting share; given one, only if it is still the one waiting, so a share that
 * arrived while the person decided about an older one is not lost with it.
 */
export async function clearPendingShare(only?: PendingShare): Promise<void> {
	try {
		if (only && (await get<PendingShare>(KEY))?.receivedAt !== only.receivedAt) return;
		await del(KEY);
	} catch {
		// As above.
	}
}

/** Reads the share target's multipart form (see share_target in the manifest). */
export async function pendingShareFrom(form: FormData): Promise<PendingShare> {
	const files = form.getAll('files').filter((value): value is File => value instanceof File);
	const text = ['title', 'text', 'url']
		.map((field) => form.get(field))
		.filter((value): value is string => typeof value === 'string' && value.trim() !== '')
		.join(' ');
	return { files, text, receivedAt: Date.now() };
}
