/**
 * The storage limits, decided in one place from the figures of the moment: the declared size
 * of a new upload counts in full against its room and the store from the first byte, so
 * uploads in progress can never add up past a limit while they stream.
 */
import { formatBytes } from '../../src/lib/files/format.ts';
import type { Refusal } from './refusals.ts';

export interface Limits {
	maxFileBytes: number;
	maxRoomBytes: number;
	maxStoreBytes: number;
	minFreeBytes: number;
	/** Stops a member flooding everyone's list, and the server, with empty files. */
	maxRoomFiles: number;
	maxStoreFiles: number;
	/** Each file counts at least this much: a million 1-byte files are not free. */
	minStoredFileBytes: number;
	maxPendingBytesPerSeat: number;
	maxPendingBytesPerAddress: number;
}

export interface Usage {
	/** Bytes held or reserved by the room's files and uploads. */
	roomBytes: number;
	roomFiles: number;
	/** Bytes held or reserved across the whole server. */
	storeBytes: number;
	storeFiles: number;
	/** Bytes declared but not yet received by the uploader's seat, and by their address. */
	seatPendingBytes: number;
	addressPendingBytes: number;
	/** Free space on the upload folder's disk, less what uploads in progress will still write. */
	freeBytes: number;
}

export function checkNewUpload(size: number, usage: Usage, limits: Limits): Refusal | undefined {
	if (size > limits.maxFileBytes) {
		return {
			status: 413,
			code: 'file-too-large',
			message: `This file is ${formatBytes(size)}; files can be at most ${formatBytes(limits.maxFileBytes)}.`,
			sizeBytes: size,
			limitBytes: limits.maxFileBytes
		};
	}
	if (
		usage.seatPendingBytes + size > limits.maxPendingBytesPerSeat ||
		usage.addressPendingBytes + size > limits.maxPendingBytesPerAddress
	) {
		return {
			status: 429,
			code: 'too-many-uploads',
			message: 'Your uploads still on their way are as many as the server takes at once.'
		};
	}
	if (usage.roomFiles >= limits.maxRoomFiles) {
		return {
			status: 413,
			code: 'room-storage-full',
			message: `This room already has ${limits.maxRoomFiles} files. Delete some to share more.`,
			limitFiles: limits.maxRoomFiles
		};
	}
	if (usage.storeFiles >= limits.maxStoreFiles) return storageFull;
	const counted = countedBytes(size, limits);
	if (usage.roomBytes + counted > limits.maxRoomBytes) {
		const left = Math.max(0, limits.maxRoomBytes - usage.roomBytes);
		return {
			status: 413,
			code: 'room-storage-full',
			message: `This room can hold ${formatBytes(limits.maxRoomBytes)} of files and has ${formatBytes(left)} left; this file is ${formatBytes(size)}.`,
			sizeBytes: size,
			limitBytes: limits.maxRoomBytes,
			leftBytes: left
		};
	}
	if (usage.storeBytes + counted > limits.maxStoreBytes) return storageFull;
	return checkDiskSpace(size, usage.freeBytes, limits);
}

export const storageFull: Refusal = {
	status: 507,
	code: 'storage-full',
	message: 'The server holds as many files as it can right now. Try again when some are gone.'
};

/** What a file of `size` bytes counts against the room's and the server's byte limits. */
export function countedBytes(size: number, limits: Pick<Limits, 'minStoredFileBytes'>): number {
	return Math.max(size, limits.minStoredFileBytes);
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
