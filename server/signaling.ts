/**
 * Socket.IO handlers: rooms, presence and the signaling relay, composed from one file a concern.
 * Every payload is validated against the protocol's schema before anything changes; a bad one
 * gets an error answer.
 */
import type { Config } from './config.ts';
import { checkEvents } from './event-checks.ts';
import { handleLobby } from './lobby.ts';
import { handleMediaUpdates } from './peer-media.ts';
import type { RoomRegistry } from './registry.ts';
import { holdSeatWhenDropped } from './seat-grace.ts';
import { announceLeaves, handleSeats, type FileJoinDetails } from './seats.ts';
import { relaySignals } from './signal-relay.ts';
import type { DropcallServer } from './socket-types.ts';

export function attachSignaling(
	io: DropcallServer,
	registry: RoomRegistry,
	config: Config,
	fileJoinDetails: FileJoinDetails
): void {
	announceLeaves(io, registry);
	io.on('connection', (socket) => {
		checkEvents(socket);
		handleLobby(socket, registry, config);
		handleSeats(socket, { io, registry, config, fileJoinDetails });
		handleMediaUpdates(socket, registry);
		relaySignals(socket, io, registry);
		holdSeatWhenDropped(socket, io, registry, config);
	});
}
