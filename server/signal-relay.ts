/**
 * The signaling relay: a signal (a session description or an ICE candidate) goes to the one
 * peer it names, only when both are in the same room, stamped with the sender's id. The server
 * never parses the SDP.
 */
import * as v from 'valibot';
import { SignalSchema, type ProtocolError } from '../src/lib/protocol.ts';
import { answerer, askingRegistry, invalid, notInRoom } from './answers.ts';
import type { RoomRegistry } from './registry.ts';
import type { DropcallServer, DropcallSocket } from './socket-types.ts';

const peerNotFound: ProtocolError = {
	code: 'peer-not-found',
	message: 'That person is not in this room'
};

export function relaySignals(
	socket: DropcallSocket,
	io: DropcallServer,
	registry: RoomRegistry
): void {
	socket.on('signal', (payload: unknown, ack: unknown) => {
		const answer = answerer<object>(ack);
		const request = v.safeParse(SignalSchema, payload);
		if (!request.success) return answer({ ok: false, error: invalid(request.issues) });
		const { roomId, peerId } = socket.data;
		if (!roomId || !peerId) return answer({ ok: false, error: notInRoom });
		const { to, ...signal } = request.output;
		if (to === peerId) return answer({ ok: false, error: peerNotFound });
		// Rebuilt field by field: the sender cannot forge `from` or smuggle extra keys.
		const relayed = { ...signal, from: peerId };
		const relay = (connectionId: string | null | undefined) => {
			if (!connectionId) return answer({ ok: false, error: peerNotFound });
			// The receiver's own socket when it is on this process skips the adapter's lookup.
			const receiver = io.sockets.sockets.get(connectionId);
			if (receiver) receiver.emit('signal', relayed);
			else io.to(connectionId).emit('signal', relayed);
			answer({ ok: true });
		};
		const target = registry.get(roomId)?.members.get(to);
		if (target?.connectionId) return relay(target.connectionId);
		// This process may not have heard of a seat taken a moment ago on another one.
		askingRegistry(answer, async () => relay((await registry.findSeat(roomId, to))?.connectionId));
	});
}
