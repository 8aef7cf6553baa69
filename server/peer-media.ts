/** peer:media: a person turned their camera or microphone on or off, and the room is told. */
import * as v from 'valibot';
import { UpdateMediaSchema } from '../src/lib/protocol.ts';
import { answerer, askingRegistry, invalid, notInRoom } from './answers.ts';
import type { RoomRegistry } from './registry.ts';
import { describeSeat } from './rooms.ts';
import type { DropcallSocket } from './socket-types.ts';

export function handleMediaUpdates(socket: DropcallSocket, registry: RoomRegistry): void {
	socket.on('peer:media', (payload: unknown, ack: unknown) => {
		const answer = answerer<object>(ack);
		const request = v.safeParse(UpdateMediaSchema, payload);
		if (!request.success) return answer({ ok: false, error: invalid(request.issues) });
		const { roomId, peerId } = socket.data;
		if (!roomId || !peerId) return answer({ ok: false, error: notInRoom });
		askingRegistry(answer, async () => {
			const seat = await registry.updateMedia(roomId, peerId, request.output.media);
			if (!seat) return answer({ ok: false, error: notInRoom });
			socket.to(roomId).emit('peer:updated', describeSeat(seat));
			answer({ ok: true });
		});
	});
}
