/** The app's one Socket.IO connection, opened on first use and shared by every page. */
import { io, type Socket } from 'socket.io-client';
import {
	errorCodes,
	type ClientToServer,
	type ErrorCode,
	type ProtocolError,
	type Result,
	type ServerToClient
} from './protocol';

export type DropcallSocket = Socket<ServerToClient, ClientToServer>;

const REQUEST_TIMEOUT_MS = 10_000;

let socket: DropcallSocket | undefined;

export function getSocket(): DropcallSocket {
	// WebSocket first: one round trip less than starting with long polling, which stays the
	// fallback for networks that block WebSockets.
	socket ??= io({ transports: ['websocket', 'polling'], tryAllTransports: true });
	return socket;
}

const offline: ProtocolError = {
	code: 'server-stopping',
	message: 'The server did not answer. Check your connection and try again.'
};

type Payload<E extends keyof ClientToServer> =
	Parameters<ClientToServer[E]> extends [...infer Args, unknown] ? Args : never;
type Answer<E extends keyof ClientToServer> =
	Parameters<ClientToServer[E]> extends [...unknown[], (result: infer R) => void] ? R : never;

/** Refusals the server gives a handshake (server/guard/handshake.ts), by the code it names. */
const handshakeRefusals = new Set<ErrorCode>(['too-many-connections', 'forbidden-origin']);

/**
 * Why the server refused to connect, when it said: its refusal reaches a long-polling request as
 * a body `{ code, message }` naming one of our codes. A WebSocket's refusal is not visible to a
 * page, which is why the client falls back to long polling before it reports an error. Read it
 * in the connect_error listener itself: engine.io-client aborts the request, emptying it, next.
 */
export function connectRefusal(error: unknown): ProtocolError | undefined {
	const context = (error as { context?: { responseText?: unknown } } | undefined)?.context;
	if (typeof context?.responseText !== 'string') return undefined;
	let body: unknown;
	try {
		body = JSON.parse(context.responseText);
	} catch {
		return undefined;
	}
	const code = (body as { message?: unknown } | null)?.message;
	if (!(errorCodes as readonly unknown[]).includes(code)) return undefined;
	if (!handshakeRefusals.has(code as ErrorCode)) return undefined;
	return { code: code as ErrorCode, message: `The server refused the connection: ${String(code)}` };
}

/** Resolves when the server refuses to connect us, so a request need not wait for its timeout. */
function refusedConnection(socket: DropcallSocket, signal: AbortSignal): Promise<ProtocolError> {
	return new Promise((resolve) => {
		const onError = (error: unknown) => {
			const refusal = connectRefusal(error);
			if (refusal) resolve(refusal);
		};
		socket.on('connect_error', onError);
		signal.addEventListener('abort', () => socket.off('connect_error', onError));
	});
}

/** Sends a request and resolves with its answer; a timeout becomes an ordinary error answer. */
export async function request<E extends keyof ClientToServer>(
	event: E,
	...payload: Payload<E>
): Promise<Answer<E>> {
	const done = new AbortController();
	try {
		const socket = getSocket();
		const refused = refusedConnection(socket, done.signal).then(
			(error) => ({ ok: false, error }) satisfies Result<never> as Answer<E>
		);
		const withTimeout = socket.timeout(REQUEST_TIMEOUT_MS) as unknown as {
			emitWithAck(event: E, ...args: unknown[]): Promise<Answer<E>>;
		};
		return await Promise.race([withTimeout.emitWithAck(event, ...payload), refused]);
	} catch {
		return { ok: false, error: offline } satisfies Result<never> as Answer<E>;
	} finally {
		done.abort();
	}
}
