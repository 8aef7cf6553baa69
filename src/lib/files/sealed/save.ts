/**
 * Saves a sealed file opened on the way to disk, never whole in memory: streamed through the
 * service worker into the browser's own download (a plain download, with its name, progress
 * and place in the downloads list); where no worker controls the page, written through the
 * File System Access API; and only as a last resort (neither available) opened in memory.
 * The worker comes first though the issue names the File System Access API: the API needs a
 * save dialog for every file, while the worker's download is the one click people expect.
 */
import { toBase64Url } from './base64url';
import type { DownloadOutcome, DownloadTicket } from './download-ticket';
import { SEALED_DOWNLOADS_PATH } from './download-ticket';
import { openSealedBody } from './open-stream';
import { TamperedError } from './records';
import { serviceWorker } from '../../pwa/service-worker.svelte';

/** How long a freshly opened page waits for its new service worker to take it over. */
const WORKER_WAIT_MS = 3000;
/** How long it waits when the download itself registered the worker, which installs first. */
const INSTALL_WAIT_MS = 15_000;
/**
 * How long the worker has to take up a download's ticket. It answers as the ticket arrives; a
 * stopped worker is started first, which takes a second or two on a slow phone. One that never
 * answers (a worker of another version that does not know this ticket, one that died) would
 * otherwise leave the download silently never starting.
 */
const WORKER_ANSWER_MS = 10_000;
/**
 * How long a download's frame stays after the worker has sent the last byte. The worker can
 * finish a small file before the browser has turned the frame's response into a download, and
 * removing the frame then cancels it: a small file's download silently never started.
 */
const FRAME_KEPT_MS = 30_000;

export type SaveOutcome = 'done' | 'tampered' | 'network' | 'failed' | 'cancelled';

export interface SealedSave {
	/** The sealed file's download link. */
	url: string;
	secret: Uint8Array<ArrayBuffer>;
	name: string;
	/** The sealed size, as the list says it. */
	sealedBytes: number;
}

export async function saveSealedFile(save: SealedSave): Promise<SaveOutcome> {
	const worker = await controllingWorker();
	if (worker) return viaWorker(worker, save);
	if ('showSaveFilePicker' in window) return viaFilePicker(save);
	return viaMemory(save);
}

async function controllingWorker(): Promise<ServiceWorker | undefined> {
	if (!('serviceWorker' in navigator)) return undefined;
	if (navigator.serviceWorker.controller) return navigator.serviceWorker.controller;
	// A room page registers its worker a while into the call (pwa/service-worker.svelte.ts); a
	// download before then has it installed now, which fetches the whole app first.
	const isInstalling = serviceWorker.registerNow();
	const taken = new Promise<void>((resolve) =>
		navigator.serviceWorker.addEventListener('controllerchange', () => resolve(), { once: true })
	);
	const waitMs = isInstalling ? INSTALL_WAIT_MS : WORKER_WAIT_MS;
	const timeUp = new Promise((resolve) => setTimeout(resolve, waitMs));
	await Promise.race([taken, serviceWorker.failed, timeUp]);
	return navigator.serviceWorker.controller ?? undefined;
}

function viaWorker(worker: ServiceWorker, save: SealedSave): Promise<SaveOutcome> {
	const ticket = toBase64Url(crypto.getRandomValues(new Uint8Array(16)));
	const channel = new MessageChannel();
	const frame = document.createElement('iframe');
	frame.hidden = true;
	document.body.append(frame);
	return new Promise((resolve) => {
		const unanswered = setTimeout(() => {
			channel.port1.close();
			frame.remove();
			resolve('failed');
		}, WORKER_ANSWER_MS);
		channel.port1.onmessage = (event: MessageEvent<DownloadOutcome>) => {
			const outcome = event.data;
			clearTimeout(unanswered);
			if (outcome.type === 'ready') {
				// A navigation, not <a download>: Chromium sends download-attribute requests
				// past the service worker (crbug.com/468227). The worker's answer is an
				// attachment, so the frame never shows anything; it goes a while after the end.
				frame.src = `${SEALED_DOWNLOADS_PATH}/${ticket}`;
				return;
			}
			channel.port1.close();
			setTimeout(() => frame.remove(), FRAME_KEPT_MS);
			resolve(
				outcome.type === 'done' ? 'done' : outcome.reason === 'tampered' ? 'tampered' : 'failed'
			);
		};
		const message: DownloadTicket = {
			type: 'sealed-download',
			ticket,
			url: save.url,
			secret: toBase64Url(save.secret),
			name: save.name,
			sealedBytes: save.sealedBytes
		};
		worker.postMessage(message, [channel.port2]);
	});
}

interface SaveFilePicker {
	showSaveFilePicker(options: { suggestedName: string }): Promise<FileSystemFileHandle>;
}

async function viaFilePicker(save: SealedSave): Promise<SaveOutcome> {
	let handle: FileSystemFileHandle;
	try {
		handle = await (window as unknown as SaveFilePicker).showSaveFilePicker({
			suggestedName: save.name
		});
	} catch {
		return 'cancelled';
	}
	const writable = await handle.createWritable();
	try {
		const sealed = await fetch(save.url);
		if (!sealed.ok || !sealed.body) throw new Error(`HTTP ${sealed.status}`);
		// pipeTo aborts the writable on error, so a half-written file is discarded, not kept.
		await openSealedBody(sealed.body, save.secret).pipeTo(writable);
		return 'done';
	} catch (error) {
		return error instanceof TamperedError ? 'tampered' : 'failed';
	}
}

async function viaMemory(save: SealedSave): Promise<SaveOutcome> {
	try {
		const sealed = await fetch(save.url);
		if (!sealed.ok || !sealed.body) return 'failed';
		const opened = await new Response(openSealedBody(sealed.body, save.secret)).blob();
		const url = URL.createObjectURL(opened);
		const anchor = document.createElement('a');
		anchor.href = url;
		anchor.download = save.name;
		anchor.click();
		setTimeout(() => URL.revokeObjectURL(url), 60_000);
		return 'done';
	} catch (error) {
		return error instanceof TamperedError ? 'tampered' : 'failed';
	}
}
