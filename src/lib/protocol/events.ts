/**
 * Every Socket.IO event each side may send, with its payload and its answer: the typed maps
 * used as generics on both ends (`Server<ClientToServer, ServerToClient>`,
 * `Socket<ServerToClient, ClientToServer>`).
 */
import type { ProtocolError } from './errors.ts';
import type { DeleteFileRequest, FileInfo } from './files.ts';
import type { PeerInfo, UpdateMediaRequest } from './people.ts';
import type {
	CreateRoomRequest,
	JoinAnswer,
	JoinRoomRequest,
	PeekAnswer,
	PeekRoomRequest,
	RoomInfo
} from './rooms.ts';
import type { RelayedSignal, SignalRequest } from './signaling.ts';

/** Socket.IO refuses any single message larger than this, whatever the event. */
export const MAX_MESSAGE_BYTES = 64 * 1024;

export type Result<T> = ({ ok: true } & T) | { ok: false; error: ProtocolError };
export type Ack<T> = (result: Result<T>) => void;

export interface ClientToServer {
	'room:create': (request: CreateRoomRequest, ack: Ack<{ roomId: string }>) => void;
	'room:peek': (request: PeekRoomRequest, ack: Ack<PeekAnswer>) => void;
	'room:join': (request: JoinRoomRequest, ack: Ack<JoinAnswer>) => void;
	'room:leave': (ack: Ack<object>) => void;
	/**
	 * Sent as the page goes away (pagehide): "I may be back". A reload and a closed tab look the
	 * same to the server, so the seat is held for the short reload grace instead of freed.
	 */
	'room:away': (ack?: Ack<object>) => void;
	'peer:media': (request: UpdateMediaRequest, ack: Ack<object>) => void;
	/** Browsers send signals without an ack; the server answers one only when it is asked. */
	signal: (request: SignalRequest, ack?: Ack<object>) => void;
	/** Only the file's sender may delete it. */
	'file:delete': (request: DeleteFileRequest, ack: Ack<object>) => void;
}

export interface ServerToClient {
	'peer:joined': (peer: PeerInfo) => void;
	'peer:updated': (peer: PeerInfo) => void;
	'peer:left': (event: { id: string }) => void;
	/** To a connection that peeked at a room and has not joined: a seat there was taken or freed. */
	'room:seats': (event: { roomId: string; room: RoomInfo }) => void;
	signal: (signal: RelayedSignal) => void;
	/** The server is shutting down; rooms live in its memory and end with it. */
	'server:stopping': () => void;
	/** A file finished uploading and everyone in the room may download it. */
	'file:added': (file: FileInfo) => void;
	/**
	 * Deleted by its sender, or gone with them: its links already answer 404. `server-lost`:
	 * the server process that held it stopped (several processes), and the file with it.
	 */
	'file:removed': (event: { id: string; reason?: 'server-lost' }) => void;
}

/** Every event a client may send, so the server can refuse anything else by name. */
export const clientEvents = [
	'room:create',
	'room:peek',
	'room:join',
	'room:leave',
	'room:away',
	'peer:media',
	'signal',
	'file:delete'
] as const satisfies readonly (keyof ClientToServer)[];
