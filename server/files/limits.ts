/**
 * The storage limits, decided in one place from the figures of the moment: the declared size
 * of a new upload counts in full against its room and the store from the first byte, so
 * uploads in progress can never add up past a limit while they stream.
 */
import { formatBytes } from '../../src/lib/files/format.ts';
import type { Refusal } from './refusals.ts';

/** Enough for any real room; stops a member flooding everyone's list with empty files. */
export const MAX_ROOM_FILES = 500;

export interface Limits {
	maxFileBytes: number;
	maxRoomBytes: number;
	maxStoreBytes: number;
	minFreeBytes: number;
}

export interface Usage {
	/** Bytes held or reserved by the room's files and uploads. */
	roomBytes: number;
	roomFiles: number;
	/** Bytes held or reserved across the whole server. */
	storeBytes: number;
	/** Free space on the upload folder's disk, less what uploads in progress will still write. */
	freeBytes: number;
}

export function checkNewUpload(size: number, usage: Usage, limits: Limits): Refusal | undefined {
	if (size > limits.maxFileBytes) {
		return {
			status: 413,
			code: 'file-too-large',
			message: `This file is ${formatBytes(size)}; files can be at most ${formatBytes(limits.maxFileBytes)}.`
		};
	}
	if (usage.roomFiles >= MAX_ROOM_FILES) {
		return {
			status: 413,
			code: 'room-storage-full',
			message: `This room already has ${MAX_ROOM_FILES} files. Delete some to share more.`
		};
	}
	if (usage.roomBytes + size > limits.maxRoomBytes) {
		const left = Math.max(0, limits.maxRoomBytes - usage.roomBytes);
		return {
			status: 413,
			code: 'room-storage-full',
			message: `This room can hold ${formatBytes(limits.maxRoomBytes)} of files and has ${formatBytes(left)} left; this file is ${formatBytes(size)}.`
		};
	}
	if (usage.storeBytes + size > limits.maxStoreBytes) {
		return {
			status: 507,
			code: 'storage-full',
			message: 'The server holds as many files as it can right now. Try again when some are gone.'
		};
	}
	return checkDiskSpace(size, usage.freeBytes, limits);
}

/** `stillToWrite` more bytes must leave minFreeBytes free on the disk. */
export function checkDiskSpace(
	stillToWrite: number,
	freeBytes: number,
	limits: Pick<Limits, 'minFreeBytes'>
): Refusal | undefined {
	if (freeBytes - stillToWrite >= limits.minFreeBytes) return undefined;
	return {
		status: 507,
		code: 'disk-full',
		message: "The server's disk is nearly full, so it cannot take this file right now."
	};
}
