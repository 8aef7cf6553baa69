import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fingerprintFile, hasChanged } from '../../src/lib/files/sealed/fingerprint';
import {
	MAX_SEALED_METADATA_CHARS,
	uploadMetadataKeys,
	UPLOADS_PATH
} from '../../src/lib/protocol';
import { patchUpload, roomOfTwo, type Member } from './files-client';
import { nextEvent, startServer, type Harness } from './harness';

let server: Harness;
beforeEach(async () => {
	server = await startServer();
});
afterEach(() => server.close());

/** A tus creation carrying only sealed details, as a browser with the room secret sends it. */
function createSealed(member: Member, size: number, sealed: string) {
	return fetch(`${server.url}${UPLOADS_PATH}`, {
		method: 'POST',
		headers: {
			'Tus-Resumable': '1.0.0',
			'Upload-Length': String(size),
			'Upload-Metadata': `${uploadMetadataKeys.sealed} ${Buffer.from(sealed).toString('base64')}`,
			Authorization: `Bearer ${member.token}`
		}
	});
}

describe('sealed uploads on the server', () => {
	it('keep the sealed details unread and hand them on with a placeholder name', async () => {
		const { ana, bo } = await roomOfTwo(server);
		const sealed = randomBytes(3000).toString('base64url');
		const created = await createSealed(ana, 1000, sealed);
		expect(created.status).toBe(201);
		const id = created.headers.get('location')!.split('/').at(-1)!;
		const announced = nextEvent(bo.socket, 'file:added');
		expect((await patchUpload(server, ana.token, id, 0, randomBytes(1000))).status).toBe(204);
		expect(await announced).toMatchObject({ id, name: 'file', type: '', size: 1000, sealed });
		expect((await announced).hasPreview).toBe(false);
	});

	it('refuse sealed details that are not base64url or too long, creating nothing', async () => {
		const { ana } = await roomOfTwo(server);
		for (const sealed of ['not base64url!', 'a'.repeat(MAX_SEALED_METADATA_CHARS + 1)]) {
			const created = await createSealed(ana, 1000, sealed);
			expect(created.status).toBe(400);
			expect(await created.json()).toMatchObject({ error: { code: 'invalid-request' } });
		}
	});
});

describe('the fingerprint a sealed upload resumes against', () => {
	it('stays for the same file and changes with its bytes, size, time or name', async () => {
		const bytes = randomBytes(2 * 1024 * 1024);
		const file = new File([bytes], 'a.bin', { lastModified: 1000 });
		const fingerprint = await fingerprintFile(file);
		expect(await hasChanged(new File([bytes], 'a.bin', { lastModified: 1000 }), fingerprint)).toBe(
			false
		);
		const edited = Buffer.from(bytes);
		edited[10] = edited[10]! ^ 1;
		for (const other of [
			new File([edited], 'a.bin', { lastModified: 1000 }),
			new File([bytes.subarray(1)], 'a.bin', { lastModified: 1000 }),
			new File([bytes], 'a.bin', { lastModified: 2000 }),
			new File([bytes], 'b.bin', { lastModified: 1000 })
		]) {
			expect(await hasChanged(other, fingerprint)).toBe(true);
		}
	});
});
