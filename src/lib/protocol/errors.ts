/**
 * The closed union of error codes both ends share, and what an error answer carries besides its
 * code. The UI's words for each code are in src/lib/errors.ts.
 */
import type { RoomInfo } from './rooms.ts';

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
