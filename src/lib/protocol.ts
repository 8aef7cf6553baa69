/**
 * The one declaration of Dropcall's Socket.IO protocol: every event, its payload schema and
 * its answer. The server validates with these schemas; the client's types come from them.
 */
import * as v from 'valibot';
import { cleanDisplayName } from './text/visible.ts';

export const MIN_SEATS = 2;
export const MAX_SEATS = 8;
export const DEFAULT_SEATS = 4;
export const MAX_NAME_LENGTH = 40;
/** Socket.IO refuses any single message larger than this, whatever the event. */
export const MAX_MESSAGE_BYTES = 64 * 1024;

/** 128 random bits, base64url: the room id is the invite link's secret. */
const idPattern = /^[A-Za-z0-9_-]{22}$/;
/** Peer ids are public within a room; 96 bits keep them unique without a registry lookup. */
const peerIdPattern = /^[A-Za-z0-9_-]{16}$/;
const tokenPattern = /^[A-Za-z0-9_-]{43}$/;

export const RoomIdSchema = v.pipe(v.string(), v.regex(idPattern, 'Not a room id'));
export const PeerIdSchema = v.pipe(v.string(), v.regex(peerIdPattern, 'Not a peer id'));
export const TokenSchema = v.pipe(v.string(), v.regex(tokenPattern, 'Not a token'));

/**
 * What a joiner must bring: nothing, a microphone, or a camera and a microphone.
 * 'video' includes audio because a silent camera tile is never what a room asks for.
 */
export const DeviceRuleSchema = v.picklist(['none', 'audio', 'video']);
export type DeviceRule = v.InferOutput<typeof DeviceRuleSchema>;

/**
 * Invisible, control and direction-changing characters are removed rather than refused (a
 * name pasted from a chat app often carries a stray one); a name of nothing else is empty.
 */
export const DisplayNameSchema = v.pipe(
	v.string(),
	v.maxLength(MAX_NAME_LENGTH * 4, 'Name is too long'),
	v.transform(cleanDisplayName),
	v.minLength(1, 'Name is empty'),
	v.maxLength(MAX_NAME_LENGTH, `Name is longer than ${MAX_NAME_LENGTH} characters`)
);

/**
 * What a person brings to the call: `audio` and `video` say they have a microphone or camera
 * track (what a room's device rule checks); `muted` and `screen` say how they are using them.
 */
export const MediaSchema = v.strictObject({
	audio: v.boolean(),
	video: v.boolean(),
	muted: v.optional(v.boolean()),
	screen: v.optional(v.boolean())
});
export type Media = v.InferOutput<typeof MediaSchema>;

export function meetsDeviceRule(rule: DeviceRule, media: Media): boolean {
	if (rule === 'video') return media.audio && media.video;
	if (rule === 'audio') return media.audio;
	return true;
}

export const CreateRoomSchema = v.strictObject({
	seats: v.pipe(v.number(), v.integer(), v.minValue(MIN_SEATS), v.maxValue(MAX_SEATS)),
	devices: DeviceRuleSchema
});
export type CreateRoomRequest = v.InferOutput<typeof CreateRoomSchema>;

export const PeekRoomSchema = v.strictObject({ roomId: RoomIdSchema });
export type PeekRoomRequest = v.InferOutput<typeof PeekRoomSchema>;

export const JoinRoomSchema = v.strictObject({
	roomId: RoomIdSchema,
	name: DisplayNameSchema,
	media: MediaSchema,
	resumeToken: v.optional(TokenSchema)
});
export type JoinRoomRequest = v.InferOutput<typeof JoinRoomSchema>;

export const UpdateMediaSchema = v.strictObject({ media: MediaSchema });
export type UpdateMediaRequest = v.InferOutput<typeof UpdateMediaSchema>;

/** The server never parses SDP; it checks only the shape and the size. */
const SessionDescriptionSchema = v.strictObject({
	type: v.picklist(['offer', 'answer', 'pranswer', 'rollback']),
	sdp: v.pipe(v.string(), v.maxLength(48 * 1024))
});
const IceCandidateSchema = v.strictObject({
	candidate: v.pipe(v.string(), v.maxLength(2048)),
	sdpMid: v.nullish(v.pipe(v.string(), v.maxLength(64))),
	sdpMLineIndex: v.nullish(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(1024))),
	usernameFragment: v.nullish(v.pipe(v.string(), v.maxLength(256)))
});

// Unknown top-level keys are dropped rather than refused, so a forged `from` is simply
// replaced by the server's own stamp.
export const SignalSchema = v.union([
	v.object({ to: PeerIdSchema, description: SessionDescriptionSchema }),
	// A null candidate is the end-of-candidates marker.
	v.object({ to: PeerIdSchema, candidate: v.nullable(IceCandidateSchema) })
]);
export type SignalRequest = v.InferOutput<typeof SignalSchema>;
export type SignalPayload =
	| { description: v.InferOutput<typeof SessionDescriptionSchema> }
	| { candidate: v.InferOutput<typeof IceCandidateSchema> | null };
export type RelayedSignal = SignalPayload & { from: string };

export const errorCodes = [
	'invalid-request',
	'too-large',
	'room-not-found',
	'room-full',
	'devices-required',
	'not-in-room',
	'peer-not-found',
	'already-joined',
	'server-stopping',
	'file-not-found',
	'not-your-file',
	'file-too-large',
	'room-storage-full',
	'storage-full',
	'disk-full',
	'upload-cancelled',
	'upload-failed',
	// Limits on what one client may ask of the server (server/guard/).
	'rate-limited',
	'too-many-connections',
	'too-many-rooms',
	'server-full',
	'forbidden-origin',
	// Limits of the file store (server/files/).
	'too-many-uploads',
	'upload-stalled',
	'link-expired',
	// Several processes: the shared store (Redis) did not answer, nothing was decided.
	'try-again'
] as const;
export type ErrorCode = (typeof errorCodes)[number];

export interface RoomInfo {
	seats: number;
	taken: number;
	devices: DeviceRule;
}

/**
 * The numbers and reasons a file refusal's words need, so each page says them from its own
 * catalog (the server's `message` is English, for logs and API clients).
 */
export interface FileRefusalDetails {
	sizeBytes?: number;
	limitBytes?: number;
	leftBytes?: number;
	limitFiles?: number;
	/** Why an upload stopped or was refused when one code covers several cases. */
	reason?: FileRefusalReason;
}
export const fileRefusalReasons = ['by-uploader', 'sender-left', 'room-ended', 'overflow'] as const;
export type FileRefusalReason = (typeof fileRefusalReasons)[number];

export interface ProtocolError extends FileRefusalDetails {
	code: ErrorCode;
	message: string;
	/** Present with room-full and devices-required so the UI can say the numbers. */
	room?: RoomInfo;
	/** Present with rate-limited and too-many-rooms: when asking again can succeed. */
	retryAfterSeconds?: number;
}

export type Result<T> = ({ ok: true } & T) | { ok: false; error: ProtocolError };
export type Ack<T> = (result: Result<T>) => void;

export interface PeerInfo {
	id: string;
	name: string;
	media: Media;
	/** Their connection dropped; the seat is held for them for the resume grace. */
	isAway: boolean;
}

export interface IceServer {
	urls: string | string[];
	username?: string;
	credential?: string;
}

/**
 * 'relay': connections go only through TURN, so no one learns another person's address (and a
 * test can prove the relay works); 'all' lets ICE pick the most direct path.
 */
export type IceTransportPolicy = 'all' | 'relay';

/**
 * What the join screen learns before joining. While a seat is free it also carries ICE servers
 * (with a TURN credential of its own, as a join's, when TURN is configured), so the page can
 * make its first connection while the join request is on its way.
 */
export interface PeekAnswer {
	room: RoomInfo;
	iceServers?: IceServer[];
	iceTransportPolicy?: IceTransportPolicy;
}

export interface JoinAnswer {
	self: PeerInfo;
	peers: PeerInfo[];
	room: RoomInfo;
	iceServers: IceServer[];
	iceTransportPolicy: IceTransportPolicy;
	/** Sent back on reconnect to keep the same seat and id within the grace period. */
	resumeToken: string;
	/** Whether this join took over a held seat rather than taking a new one. */
	resumed: boolean;
	/** This seat's credential for the file routes; it stops working when the seat is freed. */
	fileToken: string;
	/** The files shared in the room right now, oldest first. */
	files: FileInfo[];
}

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

// ─── Files ──────────────────────────────────────────────────────────────────────────────────
// Files travel over plain HTTP, not Socket.IO: uploads use the tus resumable upload protocol
// at UPLOADS_PATH with `Authorization: Bearer <fileToken>`. The seat's token never goes in a
// URL: the page asks FILE_LINKS_PATH (same header) for download links, each carrying a link
// token good for GET and HEAD of one file and its preview, for a few minutes, while the file
// and the asking seat last; so a plain `<a download>` or `<img>` works, and a copied link or a
// proxy's log gives away one file for minutes, never the seat.
// Socket.IO carries only the list: file:added, file:removed and the file:delete request.

export const FILES_PATH = '/files';
export const UPLOADS_PATH = `${FILES_PATH}/uploads`;
export const FILE_LINKS_PATH = `${FILES_PATH}/links`;

/** 128 random bits, base64url: a download link cannot be guessed. */
export const FileIdSchema = v.pipe(v.string(), v.regex(idPattern, 'Not a file id'));

/**
 * Browsers upload in PATCH requests of at most this many bytes. Each one ends well inside
 * Node's 5-minute request timeout even on a slow phone link, and one cut short costs nothing:
 * tus resumes at the byte the server reports.
 */
export const UPLOAD_CHUNK_BYTES = 32 * 1024 * 1024;

/**
 * The tus Upload-Metadata keys a browser sends with a new upload. A sealed upload sends only
 * `sealed`: its name, type and thumbnail, sealed with the room secret (src/lib/files/sealed/).
 */
export const uploadMetadataKeys = { name: 'filename', type: 'filetype', sealed: 'sealed' } as const;

/**
 * The longest sealed metadata the server keeps, in base64url characters: a name, a type and a
 * small thumbnail, well inside Node's 16 KiB of request headers even after tus's own base64.
 */
export const MAX_SEALED_METADATA_CHARS = 6144;
export const SealedMetadataSchema = v.pipe(
	v.string(),
	v.maxLength(MAX_SEALED_METADATA_CHARS),
	v.regex(/^[A-Za-z0-9_-]+$/)
);

export interface FileInfo {
	id: string;
	/** Sanitised: no folders, no control or direction-changing characters. */
	name: string;
	size: number;
	/** The MIME type the sender's browser declared, or '' when it declared nothing usable. */
	type: string;
	senderId: string;
	senderName: string;
	/** Milliseconds since the epoch, when the upload completed. */
	createdAt: number;
	/** A raster image small enough to show as a thumbnail from the preview link. */
	hasPreview: boolean;
	/**
	 * Present when the file is sealed: its real name, type and thumbnail, which only a page
	 * holding the room secret can open. `name` and `type` are then placeholders.
	 */
	sealed?: string;
}

export const DeleteFileSchema = v.strictObject({ id: FileIdSchema });
export type DeleteFileRequest = v.InferOutput<typeof DeleteFileSchema>;

/** Every error answer of the file routes has this JSON body. */
const count = v.pipe(v.number(), v.integer(), v.minValue(0));
export const FileErrorBodySchema = v.object({
	ok: v.literal(false),
	error: v.object({
		code: v.picklist(errorCodes),
		message: v.string(),
		sizeBytes: v.optional(count),
		limitBytes: v.optional(count),
		leftBytes: v.optional(count),
		limitFiles: v.optional(count),
		reason: v.optional(v.picklist(fileRefusalReasons))
	})
});

/** As many links as a room can have files; the request body stays small. */
export const MAX_LINKS_PER_REQUEST = 500;

/** `POST FILE_LINKS_PATH`: links for these files of the asker's room. */
export const FileLinksRequestSchema = v.strictObject({
	ids: v.pipe(v.array(FileIdSchema), v.maxLength(MAX_LINKS_PER_REQUEST))
});
export type FileLinksRequest = v.InferOutput<typeof FileLinksRequestSchema>;

export const FileLinkSchema = v.object({
	id: FileIdSchema,
	download: v.string(),
	preview: v.optional(v.string()),
	/** How long from the answer the link works: relative, so no two clocks need agree. */
	validSeconds: v.number()
});
export type FileLink = v.InferOutput<typeof FileLinkSchema>;

/** The answer: a link for each id still shared in the room (others are left out). */
export const FileLinksAnswerSchema = v.object({
	ok: v.literal(true),
	links: v.array(FileLinkSchema)
});

/**
 * Where one server process's files are reached through a proxy on several processes: the
 * proxy sends `/files/node/<name>/…` to the process of that name, which holds the file.
 */
export const FILES_ON_NODE_PATH = `${FILES_PATH}/node`;

const filePath = (id: string, node: string | undefined) =>
	node === undefined ? `${FILES_PATH}/${id}` : `${FILES_ON_NODE_PATH}/${node}/${id}`;

export function fileDownloadPath(id: string, linkToken: string, node?: string): string {
	return `${filePath(id, node)}?link=${encodeURIComponent(linkToken)}`;
}

export function filePreviewPath(id: string, linkToken: string, node?: string): string {
	return `${filePath(id, node)}/preview?link=${encodeURIComponent(linkToken)}`;
}
