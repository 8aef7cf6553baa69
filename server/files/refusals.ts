/**
 * Why a file route says no, as an HTTP status and the protocol's error code and words. Every
 * refusal from a file route has the same JSON body, so the browser shows one kind of message.
 */
import type { ServerResponse } from 'node:http';
import type { ErrorCode, FileRefusalDetails } from '../../src/lib/protocol.ts';
import { sendJson } from '../http.ts';

/** `message` is English, for logs and API clients; pages word the code and details themselves. */
export interface Refusal extends FileRefusalDetails {
	status: number;
	code: ErrorCode;
	message: string;
}

function answer({ status: _status, ...error }: Refusal) {
	return { ok: false, error };
}

export function refusalBody(refusal: Refusal): string {
	return JSON.stringify(answer(refusal));
}

export function sendRefusal(response: ServerResponse, refusal: Refusal): void {
	if (response.headersSent) {
		response.destroy();
		return;
	}
	sendJson(response, refusal.status, answer(refusal));
}

export const notAMember: Refusal = {
	status: 403,
	code: 'not-in-room',
	message: 'Only people in the room can use its files. Join it, or join it again.'
};

export const fileNotFound: Refusal = {
	status: 404,
	code: 'file-not-found',
	message: 'This file is no longer shared: its sender deleted it or left the room.'
};

export const linkExpired: Refusal = {
	status: 410,
	code: 'link-expired',
	message: 'This download link has expired. Open the file from the room again.'
};

/** A refusal thrown through tus: it answers with `status_code` and `body` as they are. */
export class RefusalError extends Error {
	readonly refusal: Refusal;
	readonly status_code: number;
	readonly body: string;

	constructor(refusal: Refusal) {
		super(refusal.message);
		this.refusal = refusal;
		this.status_code = refusal.status;
		this.body = refusalBody(refusal);
	}
}

const tusRefusals: Record<number, Refusal> = {
	404: { status: 404, code: 'file-not-found', message: 'This upload is no longer on the server.' },
	409: {
		status: 409,
		code: 'invalid-request',
		message: 'The upload is not at that offset; ask where it stopped and go on from there.'
	},
	410: { status: 410, code: 'file-not-found', message: 'This upload is no longer on the server.' },
	413: {
		status: 413,
		code: 'file-too-large',
		message: 'More bytes arrived than the upload said it had, so it was refused.',
		reason: 'overflow'
	}
};

/**
 * A tus status in our words. `detail` is what tus says about it (its error body), shown only
 * for a bad request that has no words of its own: a browser never sends one.
 */
export function tusRefusal(status: number, detail: string): Refusal {
	const known = tusRefusals[status];
	if (known) return known;
	if (status >= 500) {
		return {
			status,
			code: 'upload-failed',
			message: 'The server could not store this upload. Try again.'
		};
	}
	return {
		status,
		code: 'invalid-request',
		message: `The upload request was refused: ${detail.trim()}`
	};
}
