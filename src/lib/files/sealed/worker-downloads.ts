/**
 * The service worker's half of sealed downloads: a ticket from the page becomes one streamed
 * response at SEALED_DOWNLOADS_PATH/<ticket>, the sealed bytes fetched from the server and
 * opened record by record on their way to the browser's download manager, so a 2 GiB file is
 * never in memory. A record that does not open errors the stream, and the browser marks the
 * download failed and deletes it, rather than keeping a wrong file.
 */
/// <reference lib="webworker" />
import { contentDisposition } from '../../../../server/files/headers';
import { fromBase64Url } from './base64url';
import { isDownloadTicket, SEALED_DOWNLOADS_PATH, type DownloadOutcome } from './download-ticket';
import { openSealedBody } from './open-stream';
import { plainBytesOf, TamperedError, type Header } from './records';

interface HeldTicket {
	url: string;
	secret: string;
	name: string;
	sealedBytes: number;
	port: MessagePort;
}

/** A ticket is followed at once by its request; one never followed goes after a minute. */
const TICKET_LIFE_MS = 60_000;
/** Plaintext opened and waiting for the browser to take it. */
const OPENED_AHEAD_BYTES = 4 * 1024 * 1024;

export function serveSealedDownloads(worker: ServiceWorkerGlobalScope): void {
	const tickets = new Map<string, HeldTicket>();

	worker.addEventListener('message', (event) => {
		if (!isDownloadTicket(event.data)) return;
		const port = event.ports[0];
		if (!port) return;
		const { ticket, url, secret, name, sealedBytes } = event.data;
		tickets.set(ticket, { url, secret, name, sealedBytes, port });
		setTimeout(() => tickets.delete(ticket), TICKET_LIFE_MS);
		port.postMessage({ type: 'ready' } satisfies DownloadOutcome);
	});

	worker.addEventListener('fetch', (event) => {
		const url = new URL(event.request.url);
		if (!url.pathname.startsWith(`${SEALED_DOWNLOADS_PATH}/`)) return;
		const ticket = tickets.get(url.pathname.slice(SEALED_DOWNLOADS_PATH.length + 1));
		// One ticket, one download: a second request for it finds nothing.
		if (ticket) tickets.delete(url.pathname.slice(SEALED_DOWNLOADS_PATH.length + 1));
		event.respondWith(ticket ? stream(ticket) : new Response('Not found', { status: 404 }));
	});
}

async function stream(ticket: HeldTicket): Promise<Response> {
	const tell = (outcome: DownloadOutcome) => ticket.port.postMessage(outcome);
	let sealed: Response;
	try {
		sealed = await fetch(ticket.url);
	} catch {
		tell({ type: 'failed', reason: 'network' });
		return new Response('Network error', { status: 502 });
	}
	if (!sealed.ok || !sealed.body) {
		tell({ type: 'failed', reason: 'network' });
		return new Response(null, { status: sealed.status });
	}
	let heard: (header: Header) => void = () => {};
	const heardHeader = new Promise<Header>((resolve) => (heard = resolve));
	const reader = openSealedBody(sealed.body, fromBase64Url(ticket.secret), heard).getReader();
	// The plaintext size depends on the record size the file says, so the answer waits for the
	// header (the stream reads ahead of its reader: nobody needs to ask for it).
	let plainBytes: number | undefined;
	try {
		const header = await Promise.race([
			heardHeader,
			reader.closed.then(() => {
				throw new TamperedError('the file was cut short');
			})
		]);
		plainBytes = plainBytesOf(ticket.sealedBytes, header);
		if (plainBytes === undefined) throw new TamperedError('no file has this size');
	} catch (error) {
		void reader.cancel().catch(() => {});
		tell({ type: 'failed', reason: error instanceof TamperedError ? 'tampered' : 'network' });
		return new Response(null, { status: 502 });
	}
	const opened = new ReadableStream<Uint8Array>(
		{
			async pull(controller) {
				try {
					const { done, value } = await reader.read();
					if (done) {
						controller.close();
						tell({ type: 'done' });
					} else {
						controller.enqueue(value);
					}
				} catch (error) {
					tell({ type: 'failed', reason: error instanceof TamperedError ? 'tampered' : 'network' });
					controller.error(error);
				}
			},
			cancel(reason) {
				// The person cancelled it in the browser's downloads.
				tell({ type: 'failed', reason: 'cancelled' });
				void reader.cancel(reason);
			}
			// Opened ahead of the browser's writes to disk, so the two overlap.
		},
		new ByteLengthQueuingStrategy({ highWaterMark: OPENED_AHEAD_BYTES })
	);
	return new Response(opened, {
		headers: {
			'Content-Type': 'application/octet-stream',
			'Content-Disposition': contentDisposition('attachment', ticket.name),
			'Content-Length': String(plainBytes),
			'X-Content-Type-Options': 'nosniff'
		}
	});
}
