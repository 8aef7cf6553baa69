/**
 * Issue 12: a download link opens one file (and its preview), read-only, for minutes, and
 * stops when its file or its seat goes; the seat's own credential never works in a URL.
 */
import { randomBytes } from 'node:crypto';
import { get as get_, type IncomingMessage } from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FILE_LINKS_PATH, fileDownloadPath, UPLOADS_PATH } from '../../src/lib/protocol';
import { askLinks, createUpload, linkFor, roomOfTwo, upload } from './files-client';
import { startServer, type Harness } from './harness';
import { ManualClock } from './manual-clock';

let server: Harness;
let clock: ManualClock;
beforeEach(async () => {
	clock = new ManualClock();
	server = await startServer({ fileLinkSeconds: 600 }, { clock });
});
afterEach(() => server.close());

const get = (path: string, method = 'GET') => fetch(`${server.url}${path}`, { method });
const linkToken = (path: string) => new URL(path, 'http://x').searchParams.get('link')!;
const png = { name: 'a.png', type: 'image/png' };

describe('a download link', () => {
	it('opens its file and its preview, and nothing else', async () => {
		const { ana, bo } = await roomOfTwo(server);
		const photo = await upload(server, ana, randomBytes(3000), png);
		const other = await upload(server, ana, randomBytes(3000), png);
		const link = (await linkFor(server, bo.token, photo))!;
		expect(link.validSeconds).toBe(600);
		expect((await get(link.download)).status).toBe(200);
		expect((await get(link.download, 'HEAD')).status).toBe(200);
		expect((await get(link.preview!)).status).toBe(200);
		const token = linkToken(link.download);
		// Another file, or another file's preview, with this file's link.
		expect((await get(fileDownloadPath(other, token))).status).toBe(403);
		expect((await get(`/files/${other}/preview?link=${token}`)).status).toBe(403);
		// Not a credential for uploads or deletes, in a header or anywhere else.
		const asBearer = { Authorization: `Bearer ${token}`, 'Tus-Resumable': '1.0.0' };
		const created = await fetch(`${server.url}${UPLOADS_PATH}`, {
			method: 'POST',
			headers: { ...asBearer, 'Upload-Length': '10' }
		});
		expect(created.status).toBe(403);
		const deleted = await fetch(`${server.url}${UPLOADS_PATH}/${photo}`, {
			method: 'DELETE',
			headers: asBearer
		});
		expect(deleted.status).toBe(403);
		expect((await get(link.download, 'DELETE')).status).toBe(405);
		expect((await askLinks(server, token, [photo])).status).toBe(403);
		expect((await get(link.download)).status).toBe(200);
	});

	it('stops when its file is deleted and when its seat is freed', async () => {
		const { roomId, ana, bo } = await roomOfTwo(server);
		const first = await upload(server, ana, randomBytes(3000));
		const second = await upload(server, ana, randomBytes(3000));
		const [firstLink, secondLink] = (await askLinks(server, bo.token, [first, second])).links;
		expect(await ana.socket.emitWithAck('file:delete', { id: first })).toEqual({ ok: true });
		expect((await get(firstLink!.download)).status).toBe(404);
		expect((await get(secondLink!.download)).status).toBe(200);
		server.dropcall.registry.leave(roomId, bo.answer.self.id);
		expect((await get(secondLink!.download)).status).toBe(403);
	});

	it('cuts off a download under way when the seat that asked for it is freed', async () => {
		const { roomId, ana, bo } = await roomOfTwo(server);
		const size = 32 * 1024 * 1024;
		const id = await upload(server, ana, randomBytes(size));
		const link = (await linkFor(server, bo.token, id))!;
		const response = await new Promise<IncomingMessage>((resolve) =>
			get_(`${server.url}${link.download}`, resolve)
		);
		// Read nothing until the seat is gone: the rest of the file is still to be sent.
		response.pause();
		let received = 0;
		const ended = new Promise<string>((done) => {
			response.on('error', () => undefined);
			response.on('close', () => done(response.complete ? 'complete' : 'cut off'));
		});
		server.dropcall.registry.leave(roomId, bo.answer.self.id);
		response.on('data', (chunk: Buffer) => (received += chunk.length));
		response.resume();
		expect(await ended).toBe('cut off');
		expect(received).toBeLessThan(size);
	});

	it('expires', async () => {
		const { ana, bo } = await roomOfTwo(server);
		const id = await upload(server, ana, randomBytes(3000));
		const link = (await linkFor(server, bo.token, id))!;
		clock.advance(599_000);
		expect((await get(link.download)).status).toBe(200);
		clock.advance(1_000);
		const expired = await get(link.download);
		expect(expired.status).toBe(410);
		expect(((await expired.json()) as { error: { code: string } }).error.code).toBe('link-expired');
		// A forged later expiry does not pass the signature.
		const [, peer, mac] = linkToken(link.download).split('.');
		const forged = fileDownloadPath(id, `${clock.now() + 60_000}.${peer}.${mac}`);
		expect((await get(forged)).status).toBe(403);
		expect((await get((await linkFor(server, bo.token, id))!.download)).status).toBe(200);
	});

	it('is the only way in: the seat credential is refused in a URL', async () => {
		const { ana, bo } = await roomOfTwo(server);
		const id = await upload(server, ana, randomBytes(3000), png);
		expect((await get(`/files/${id}?token=${bo.token}`)).status).toBe(403);
		expect((await get(`/files/${id}/preview?token=${bo.token}`)).status).toBe(403);
		expect((await get(fileDownloadPath(id, bo.token))).status).toBe(403);
		const created = await createUpload(server, undefined, { size: 10 });
		expect(created.status).toBe(403);
		const inQuery = await fetch(`${server.url}${UPLOADS_PATH}?token=${bo.token}`, {
			method: 'POST',
			headers: { 'Tus-Resumable': '1.0.0', 'Upload-Length': '10' }
		});
		expect(inQuery.status).toBe(403);
		const linksInQuery = await fetch(`${server.url}${FILE_LINKS_PATH}?token=${bo.token}`, {
			method: 'POST',
			body: JSON.stringify({ ids: [id] })
		});
		expect(linksInQuery.status).toBe(403);
	});

	it('is given only for files of the asker’s room', async () => {
		const { ana } = await roomOfTwo(server);
		const id = await upload(server, ana, randomBytes(3000));
		const elsewhere = await roomOfTwo(server);
		expect((await askLinks(server, elsewhere.bo.token, [id])).links).toEqual([]);
	});
});
