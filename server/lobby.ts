/**
 * What a client asks before it joins: creating a room, and peeking at one (its size, its device
 * rule, and while a seat is free, the ICE servers to test the connection with).
 */
import * as v from 'valibot';
import { CreateRoomSchema, PeekRoomSchema, type PeekAnswer } from '../src/lib/protocol.ts';
import { answerer, askingRegistry, invalid } from './answers.ts';
import type { Config } from './config.ts';
import { log, shortId } from './log.ts';
import type { RoomRegistry } from './registry.ts';
import { roomNotFound } from './rooms.ts';
import { watchSeats } from './seat-watch.ts';
import type { DropcallSocket } from './socket-types.ts';
import { iceServersFor } from './turn.ts';

export function handleLobby(socket: DropcallSocket, registry: RoomRegistry, config: Config): void {
	socket.on('room:create', (payload: unknown, ack: unknown) => {
		const answer = answerer<{ roomId: string }>(ack);
		const request = v.safeParse(CreateRoomSchema, payload);
		if (!request.success) return answer({ ok: false, error: invalid(request.issues) });
		askingRegistry(answer, async () => {
			const room = await registry.create(request.output.seats, request.output.devices);
			if (!('id' in room)) return answer({ ok: false, error: room });
			log(`room ${shortId(room.id)} created for ${room.seats}, devices: ${room.devices}`);
			answer({ ok: true, roomId: room.id });
		});
	});

	socket.on('room:peek', (payload: unknown, ack: unknown) => {
		const answer = answerer<PeekAnswer>(ack);
		const request = v.safeParse(PeekRoomSchema, payload);
		if (!request.success) return answer({ ok: false, error: invalid(request.issues) });
		askingRegistry(answer, async () => {
			const room = await registry.peek(request.output.roomId);
			if (!room) return answer({ ok: false, error: roomNotFound() });
			if (!socket.data.roomId) watchSeats(socket, request.output.roomId);
			// Only while a join could succeed: a full room hands nobody a relay credential.
			if (room.taken >= room.seats) return answer({ ok: true, room });
			answer({
				ok: true,
				room,
				iceServers: iceServersFor(config.iceServers, config.turn, socket.id),
				iceTransportPolicy: config.iceTransportPolicy
			});
		});
	});
}
