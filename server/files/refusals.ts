/**
 * Why a file route says no, as an HTTP status and the protocol's error code and words. Every
 * refusal from a file route has the same JSON body, so the browser shows one kind of message.
 */
import type { ServerResponse } from 'node:http';
import type { ErrorCode } from '../../src/lib/protocol.ts';
import { sendJson } from '../http.ts';

export interface Refusal {
	status: number;
	code: ErrorCode;
	message: string;
}

function answer(refusal: Refusal) {
	return { ok: false, error: { code: refusal.code, message: refusal.message } };
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
