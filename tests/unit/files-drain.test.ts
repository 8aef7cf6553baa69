/**
 * A graceful stop (SIGTERM) lets uploads already streaming finish, for at most
 * UPLOAD_DRAIN_SECONDS, and refuses new ones meanwhile so their pages go to another process.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import type { FileInfo } from '../../src/lib/protocol';
import { nextEvent, startServer, type Harness } from './harness';
import { createUpload, roomOfTwo, storedSize, streamingPatch, write } from './files-client';
import { ManualClock } from './manual-clock';

const MiB = 2 ** 20;
let server: Harness;
let clock: ManualClock;
let stopping: Promise<void> | undefined;

async function start() {
	clock = new ManualClock();
	server = await startServer({ uploadDrainSeconds: 20 }, { clock });
}

/** Half of a 2 MiB upload received, then the server told to stop. */
async function stopDuringUpload(token: string) {
	const { id } = await createUpload(server, token, { size: 2 * MiB });
	const patch = streamingPatch(server, token, id!, { length: 2 * MiB });
	await write(patch.request, randomBytes(MiB));
	// Written by the client is not yet received: the stop must find the upload under way.
	await expect.poll(() => storedSize(server, id!)).toBeGreaterThan(0);
	let isStopped = false;
	stopping = server.dropcall.stop().then(() => {
		isStopped = true;
	});
	return { id, patch, hasStopped: () => isStopped };
}

afterEach(async () => {
	// Stopped by the test already: closing again would only wait for that stop.
	if (stopping) await stopping;
	else await server.close();
	stopping = undefined;
});

async function health() {
	const response = await fetch(`${server.url}/healthz`);
	return { status: response.status, body: (await response.json()) as { state?: string } };
}

describe('a graceful stop', () => {
	it('lets an upload under way finish, and refuses new ones meanwhile', async () => {
		await start();
		const { ana, bo } = await roomOfTwo(server);
		const { id, patch, hasStopped } = await stopDuringUpload(ana.token);

		// The proxy sends nobody new here, but still the browsers whose cookie names it.
		expect(await health()).toMatchObject({ status: 404, body: { state: 'draining' } });
		const refused = await createUpload(server, bo.token, { size: 1000 });
		expect(refused.status).toBe(503);
		expect(JSON.parse(refused.body).error.code).toBe('server-stopping');

		const added = nextEvent(bo.socket, 'file:added');
		patch.request.end(randomBytes(MiB));
		expect((await patch.response).status).toBe(204);
		expect(((await added) as FileInfo).id).toBe(id);
		await stopping;
		expect(hasStopped()).toBe(true);
	});

	it('waits no longer than UPLOAD_DRAIN_SECONDS, then cuts the upload off and leaves nothing', async () => {
		await start();
		const { ana } = await roomOfTwo(server);
		const { patch, hasStopped } = await stopDuringUpload(ana.token);
		expect((await health()).status).toBe(404);
		clock.advance(19_000);
		// Still draining a second before the end.
		expect((await health()).status).toBe(404);
		expect(hasStopped()).toBe(false);
		clock.advance(1000);
		await stopping;
		expect(existsSync(server.dropcall.files.folder)).toBe(false);
		patch.request.destroy();
	});
});
