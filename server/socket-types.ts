/**
 * The typed Socket.IO server and what it keeps on each connection, shared by every module that
 * handles the clients' events.
 */
import type { Server, Socket } from 'socket.io';
import type { ClientToServer, ServerToClient } from '../src/lib/protocol.ts';

export interface SocketData {
	roomId: string | undefined;
	peerId: string | undefined;
	/** Last time anything arrived from this client; the resume grace counts from it. */
	lastSeenAt: number;
	/** The page said it is going away and may be back (room:away): a reload, or a closed tab. */
	mayReturn: boolean;
	/** The room whose seats this connection hears of, from its last peek until it joins. */
	watchedRoomId: string | undefined;
}

export type DropcallServer = Server<ClientToServer, ServerToClient, object, SocketData>;
export type DropcallSocket = Socket<ClientToServer, ServerToClient, object, SocketData>;
