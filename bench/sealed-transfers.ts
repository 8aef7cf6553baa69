/**
 * The sealed benchmark's transfers, made as the page makes them: the unsealed upload and
 * download through the file routes with the page's own credential, the sealed ones through the
 * page's controls ("Share files" by a drop, "Download NAME", "Delete NAME").
 */
import type { Page } from '@playwright/test';
import { UPLOAD_CHUNK_BYTES } from '../src/lib/protocol.ts';

/** The seat's file credential, as the page's join answer carried it. */
export function fileTokenOf(page: Page): () => string {
	let token = '';
	page.on('websocket', (socket) =>
		socket.on('framereceived', ({ payload }) => {
			const match = /"fileToken":"([\w-]+)"/.exec(String(payload));
			if (match) token = match[1]!;
		})
	);
	return () => token;
}

/** The unsealed path: the same File, sent by the page in the PATCHes tus-js-client sends. */
export async function plainUpload(page: Page, token: string): Promise<string> {
	return page.evaluate(
		async ({ token, chunkBytes }) => {
			const file = (document.querySelector('#bench-file') as HTMLInputElement).files![0]!;
			const auth = { Authorization: `Bearer ${token}`, 'Tus-Resumable': '1.0.0' };
			const created = await fetch('/files/uploads', {
				method: 'POST',
				headers: {
					...auth,
					'Upload-Length': String(file.size),
					'Upload-Metadata': `filename ${btoa('plain.bin')}`
				}
			});
			const location = created.headers.get('Location');
			if (!location) throw new Error(`upload refused: ${await created.text()}`);
			for (let offset = 0; offset < file.size; offset += chunkBytes) {
				const sent = await fetch(location, {
					method: 'PATCH',
					headers: {
						...auth,
						'Upload-Offset': String(offset),
						'Content-Type': 'application/offset+octet-stream'
					},
					body: file.slice(offset, offset + chunkBytes)
				});
				if (!sent.ok) throw new Error(`PATCH failed: ${sent.status}`);
			}
			return location.split('/').at(-1)!;
		},
		{ token, chunkBytes: UPLOAD_CHUNK_BYTES }
	);
}

/** The sealed path: dropped on the page as a person drops it, done when Bo's list shows it. */
export async function sealedUpload(ana: Page, bo: Page): Promise<void> {
	await ana.evaluate(() => {
		const file = (document.querySelector('#bench-file') as HTMLInputElement).files![0]!;
		const dataTransfer = new DataTransfer();
		dataTransfer.items.add(file);
		for (const type of ['dragenter', 'drop']) {
			document.body.dispatchEvent(
				new DragEvent(type, { dataTransfer, bubbles: true, cancelable: true })
			);
		}
	});
	await bo
		.getByRole('link', { name: 'Download big.bin' })
		.waitFor({ timeout: 600_000, state: 'attached' });
}

export async function plainDownload(page: Page, token: string, id: string) {
	const link = await page.evaluate(
		async ({ token, id }) => {
			const answer = await fetch('/files/links', {
				method: 'POST',
				headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
				body: JSON.stringify({ ids: [id] })
			});
			return ((await answer.json()) as { links: { download: string }[] }).links[0]!.download;
		},
		{ token, id }
	);
	const [download] = await Promise.all([
		page.waitForEvent('download', { timeout: 600_000 }),
		page.evaluate((href) => {
			const anchor = Object.assign(document.createElement('a'), { href, download: 'plain.bin' });
			anchor.click();
		}, link)
	]);
	await download.path();
	await download.delete();
}

/** Ana deletes the file she shared, and Bo's list no longer offers it. */
export async function deleteShared(ana: Page, bo: Page): Promise<void> {
	await ana.getByRole('button', { name: 'Delete big.bin' }).click();
	await bo.getByRole('link', { name: 'Download big.bin' }).waitFor({ state: 'detached' });
}

/** Done when the browser has the whole file on disk. */
export async function sealedDownload(page: Page) {
	const [download] = await Promise.all([
		page.waitForEvent('download', { timeout: 600_000 }),
		page.getByRole('link', { name: 'Download big.bin' }).click()
	]);
	return { path: await download.path(), delete: () => download.delete() };
}
