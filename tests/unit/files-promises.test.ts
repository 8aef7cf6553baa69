/**
 * Issue 12: one client must not block file sharing for the whole server with promises alone
 * (declared upload sizes, kept alive by a byte now and then), nor with a flood of tiny files.
 */
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Config } from '../../server/config';
import { uploadMetadataKeys, UPLOADS_PATH } from '../../src/lib/protocol';
import { join, patchUpload, storedFiles, uploadOffset, type Member } from './files-client';
import { createRoom, startServer, type Harness } from './harness';
import { ManualClock } from './manual-clock';

const KiB = 1024;
const MiB = 1024 * KiB;
let server: Harness;
let clock: ManualClock;

async function start(overrides: Partial<Config> = {}) {
	clock = new ManualClock();
	server = await startServer(
		{
			trustProxy: true,
			maxStoreBytes: 16 * MiB,
			maxPendingBytesPerSeat: 4 * MiB,
			maxPendingBytesPerAddress: 6 * MiB,
			abandonedUploadSeconds: 60,
			minUploadBytesPerSecond: 8 * KiB,
			minStoredFileBytes: 0,
			...overrides
		},
		{ clock }
	);
}
afterEach(() => server.close());

/** tus creation from a given client address (the proxy we trust says which). */
async function declare(member: Member, size: number, address: string) {
	const response = await fetch(`${server.url}${UPLOADS_PATH}`, {
		method: 'POST',
		headers: {
			'Tus-Resumable': '1.0.0',
			'Upload-Length': String(size),
			'Upload-Metadata': `${uploadMetadataKeys.name} ${Buffer.from('f.bin').toString('base64')}`,
			Authorization: `Bearer ${member.token}`,
			'X-Forwarded-For': address
		}
	});
	const body = await response.text();
	return {
		status: response.status,
		id: response.headers.get('location')?.split('/').at(-1),
		code: body ? (JSON.parse(body) as { error?: { code: string } }).error?.code : undefined
	};
}

async function personInNewRoom(name: string): Promise<Member> {
	return join(server, await createRoom(await server.client()), name);
}

describe('a store blocked by promises', () => {
	it('caps what one seat and one address may declare and not yet send', async () => {
		await start();
		const attacker = await personInNewRoom('Mallory');
		expect((await declare(attacker, 3 * MiB, '203.0.113.9')).status).toBe(201);
		const overSeat = await declare(attacker, 2 * MiB, '203.0.113.9');
		expect(overSeat).toMatchObject({ status: 429, code: 'too-many-uploads' });
		// More seats from the same address do not add up past the address's cap.
		const second = await personInNewRoom('Mallory 2');
		expect((await declare(second, 3 * MiB, '203.0.113.9')).status).toBe(201);
		const third = await personInNewRoom('Mallory 3');
		expect(await declare(third, MiB, '203.0.113.9')).toMatchObject({
			status: 429,
			code: 'too-many-uploads'
		});
		// Another room, another address: an honest upload goes through.
		const honest = await personInNewRoom('Ana');
		const created = await declare(honest, 3 * MiB, '198.51.100.7');
		expect(created.status).toBe(201);
		const bytes = randomBytes(3 * MiB);
		expect((await patchUpload(server, honest.token, created.id!, 0, bytes)).status).toBe(204);
	});

	it('frees the reservation of an upload that trickles a byte now and then', async () => {
		await start({ maxStoreBytes: 4 * MiB, maxPendingBytesPerAddress: 4 * MiB });
		const attacker = await personInNewRoom('Mallory');
		const { id } = await declare(attacker, 4 * MiB, '203.0.113.9');
		const honest = await personInNewRoom('Ana');
		expect((await declare(honest, MiB, '198.51.100.7')).code).toBe('storage-full');
		for (let offset = 0; offset < 3; offset += 1) {
			expect(
				(await patchUpload(server, attacker.token, id!, offset, Buffer.from('x'))).status
			).toBe(204);
			clock.advance(25_000);
		}
		await vi.waitFor(async () =>
			expect((await uploadOffset(server, attacker.token, id!)).status).toBe(404)
		);
		expect((await declare(honest, MiB, '198.51.100.7')).status).toBe(201);
	});

	it('keeps a slow phone (16 KiB/s) uploading', async () => {
		await start({ maxPendingBytesPerSeat: 16 * MiB, maxPendingBytesPerAddress: 16 * MiB });
		const phone = await personInNewRoom('Ana');
		const size = 4 * MiB;
		const { id } = await declare(phone, size, '198.51.100.7');
		let offset = 0;
		// Three whole abandon windows at 16 KiB/s, sent every 10 s.
		for (let step = 0; step < 18; step += 1) {
			const chunk = randomBytes(160 * KiB);
			expect((await patchUpload(server, phone.token, id!, offset, chunk)).status).toBe(204);
			offset += chunk.length;
			clock.advance(10_000);
		}
		const rest = randomBytes(size - offset);
		expect((await patchUpload(server, phone.token, id!, offset, rest)).status).toBe(204);
		expect(storedFiles(server)).toEqual([id]);
	});
});

describe('many small files', () => {
	it('each count at least MIN_STORED_FILE_BYTES against the byte limits', async () => {
		await start({ minStoredFileBytes: 64 * KiB, maxRoomBytes: 256 * KiB });
		const ana = await personInNewRoom('Ana');
		for (let count = 0; count < 4; count += 1) {
			const { id } = await declare(ana, 1, '198.51.100.7');
			expect((await patchUpload(server, ana.token, id!, 0, Buffer.from('x'))).status).toBe(204);
		}
		expect(await declare(ana, 1, '198.51.100.7')).toMatchObject({
			status: 413,
			code: 'room-storage-full'
		});
	});

	it('are capped in number per room and on the whole server', async () => {
		await start({ maxRoomFiles: 2, maxStoreFiles: 3 });
		const ana = await personInNewRoom('Ana');
		expect((await declare(ana, 0, '198.51.100.7')).status).toBe(201);
		expect((await declare(ana, 0, '198.51.100.7')).status).toBe(201);
		expect(await declare(ana, 0, '198.51.100.7')).toMatchObject({ code: 'room-storage-full' });
		const bo = await personInNewRoom('Bo');
		expect((await declare(bo, 0, '198.51.100.8')).status).toBe(201);
		expect(await declare(bo, 0, '198.51.100.8')).toMatchObject({
			status: 507,
			code: 'storage-full'
		});
	});
});
