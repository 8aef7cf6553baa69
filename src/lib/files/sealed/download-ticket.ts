/**
 * What the page hands the service worker to stream one sealed download: where the sealed bytes
 * are, the secret that opens them and the name to save them under. It goes by postMessage,
 * inside this browser; the worker answers on the port when the download ends.
 */
export const SEALED_DOWNLOADS_PATH = '/sealed-downloads';

export interface DownloadTicket {
	type: 'sealed-download';
	ticket: string;
	/** The file's signed download link: the sealed bytes. */
	url: string;
	/** The room secret, base64url. */
	secret: string;
	name: string;
	/**
	 * The sealed size, as the list says it: with the record size in the file's header it gives
	 * the plaintext size for the browser's progress bar (files differ in record size).
	 */
	sealedBytes: number;
}

/** How a streamed download ended, said by the worker on the ticket's port. */
export type DownloadOutcome =
	| { type: 'ready' }
	| { type: 'done' }
	| { type: 'failed'; reason: 'tampered' | 'network' | 'cancelled' };

export function isDownloadTicket(data: unknown): data is DownloadTicket {
	if (typeof data !== 'object' || data === null) return false;
	const ticket = data as Partial<DownloadTicket>;
	return (
		ticket.type === 'sealed-download' &&
		typeof ticket.ticket === 'string' &&
		/^[A-Za-z0-9_-]{22}$/.test(ticket.ticket) &&
		typeof ticket.url === 'string' &&
		ticket.url.startsWith('/files/') &&
		typeof ticket.secret === 'string' &&
		typeof ticket.name === 'string' &&
		typeof ticket.sealedBytes === 'number'
	);
}
