/**
 * How the Socket.IO handlers answer a request: through its acknowledgement, with the errors that
 * every handler may give. A request that can fail always gets an answer, never a silence.
 */
import type * as v from 'valibot';
import type { Ack, ProtocolError } from '../src/lib/protocol.ts';
import { log } from './log.ts';

export const notInRoom: ProtocolError = { code: 'not-in-room', message: 'Join a room first' };

/** The shared store (Redis) did not answer: nothing was decided, so asking again is safe. */
export const tryAgain: ProtocolError = {
	code: 'try-again',
	message: 'The server cannot reach its shared store right now; try again in a moment'
};

/**
 * Runs a request that asks the registry, answering "try again" when the registry's store fails
 * rather than leaving the client to wait for its timeout.
 */
export function askingRegistry<T>(answer: Ack<T>, work: () => Promise<void>): void {
	work().catch((error: unknown) => {
		log(`registry unavailable: ${error instanceof Error ? error.message : String(error)}`);
		answer({ ok: false, error: tryAgain });
	});
}

export function invalid(issues: v.BaseIssue<unknown>[]): ProtocolError {
	const issue = issues[0];
	const where = issue?.path?.map((item) => String(item.key)).join('.');
	return {
		code: 'invalid-request',
		message: `Invalid request${where ? ` at "${where}"` : ''}: ${issue?.message ?? 'bad value'}`
	};
}

/** Socket.IO passes the acknowledgement last; a hostile client may put anything there. */
export function answerer<T>(ack: unknown): Ack<T> {
	return typeof ack === 'function' ? (ack as Ack<T>) : () => {};
}
