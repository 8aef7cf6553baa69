/**
 * Issue 16: a page that lost its seat without noticing (its connection went quiet for longer than
 * the resume grace) joins again with a new seat and a new file credential. An upload started in
 * between went out with the old credential and failed with "only people in the room".
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Upload as TusUpload, type DetailedError } from 'tus-js-client';
import { seatAuthorisation, SeatToken } from '../../src/lib/files/seat-token';
import { FileErrorBodySchema, UPLOADS_PATH } from '../../src/lib/protocol';
import * as v from 'valibot';
import { join, roomOfTwo, storedFiles } from './files-client';
import { startServer, type Harness } from './harness';

let server: Harness;
beforeEach(async () => {
	server = await startServer({ maxFileBytes: 1024 });
});
afterEach(() => server.close());

/** Uploads as the page does (tus-js-client, the seat's credential per request); the refusal's code. */
function uploadAs(seat: SeatToken, bytes: Buffer): Promise<string | undefined> {
	const auth = seatAuthorisation(seat);
	const codeOf = (error: Error | DetailedError) => {
		const response = 'originalResponse' in error ? error.originalResponse : null;
		const body = v.safeParse(FileErrorBodySchema, JSON.parse(response?.getBody() || 'null'));
		return body.success ? body.output.error.code : undefined;
	};
	return new Promise((resolve) => {
		const tus = new TusUpload(bytes, {
			endpoint: `${server.url}${UPLOADS_PATH}`,
			retryDelays: [0, 0, 0],
			storeFingerprintForResuming: false,
			onBeforeRequest: (request) => auth.authorise(request),
			onShouldRetry: (error) => auth.shouldRetryForSeat(codeOf(error)),
			onSuccess: () => resolve(undefined),
			onError: (error) => resolve(codeOf(error))
		});
		tus.start();
	});
}

describe('an upload from a page whose seat was lost under it', () => {
	it('waits for the page to take a seat again and goes on with the new credential', async () => {
		const { roomId, ana } = await roomOfTwo(server);
		const seat = new SeatToken();
		seat.set(ana.token);
		// The server gave up on Ana's quiet connection; her page has not noticed yet.
		server.dropcall.registry.leave(roomId, ana.answer.self.id);
		const refusal = uploadAs(seat, Buffer.alloc(2048));
		// Her page notices, joins again, and gets a new seat.
		const again = await join(server, roomId, 'Ana');
		seat.set(again.token);
		expect(await refusal).toBe('file-too-large');
		expect(storedFiles(server)).toEqual([]);
	});

	it('fails as not a member once the page gives up on the room', async () => {
		const { roomId, ana } = await roomOfTwo(server);
		const seat = new SeatToken();
		seat.set(ana.token);
		server.dropcall.registry.leave(roomId, ana.answer.self.id);
		const refusal = uploadAs(seat, Buffer.alloc(10));
		seat.end();
		expect(await refusal).toBe('not-in-room');
	});
});
