/** The app's one Socket.IO connection, opened on first use and shared by every page. */
import { io, type Socket } from 'socket.io-client';
import type { ClientToServer, ProtocolError, Result, ServerToClient } from './protocol';

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

/** Sends a request and resolves with its answer; a timeout becomes an ordinary error answer. */
export async function request<E extends keyof ClientToServer>(
	event: E,
	...payload: Payload<E>
): Promise<Answer<E>> {
	try {
		const socket = getSocket().timeout(REQUEST_TIMEOUT_MS) as unknown as {
			emitWithAck(event: E, ...args: unknown[]): Promise<Answer<E>>;
		};
		return await socket.emitWithAck(event, ...payload);
	} catch {
		return { ok: false, error: offline } satisfies Result<never> as Answer<E>;
	}
}
