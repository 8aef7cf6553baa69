/**
 * The catalogue of what is on disk: uploads in progress and finished files, by room and by
 * sender, with the bytes each holds. It is the one place that deletes a stored file, so a
 * file leaves every list and the disk together, and the one place that tells the storage
 * ledger (./ledger.ts) what to count.
 */
import { EventEmitter } from 'node:events';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { FileInfo } from '../../src/lib/protocol.ts';
import type { Clock, Timer } from '../clock.ts';
import { MemoryLedger, type FileLedger } from './ledger.ts';
import type { Limits } from './limits.ts';
import type { Refusal } from './refusals.ts';
import type { Member } from './tokens.ts';

/** Images up to this size get a thumbnail; a bigger one would stall a phone's list. */
export const MAX_PREVIEW_BYTES = 16 * 1024 * 1024;
const previewTypes = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp', 'image/avif']);

export interface PendingUpload extends Member {
	id: string;
	/** The client address that made it, as the per-address limits count it. */
	address: string;
	senderName: string;
	name: string;
	type: string;
	size: number;
	/** The sealed name, type and thumbnail, handed on unread (FileInfo.sealed). */
	sealed?: string;
	path: string;
	/** Bytes received so far. */
	offset: number;
	/** The offset when the current abandon window began: progress is counted from it. */
	windowStartOffset: number;
	/** Set while a request streams into the upload: stops it with the refusal as its answer. */
	stop: ((refusal: Refusal) => void) | undefined;
	idleTimer: Timer | undefined;
}

export interface SharedFile {
	roomId: string;
	path: string;
	info: FileInfo;
}

export interface CatalogueOptions extends Limits {
	abandonedUploadSeconds: number;
	minUploadBytesPerSecond: number;
}

interface CatalogueEvents {
	added: [roomId: string, file: FileInfo];
	removed: [roomId: string, id: string];
	/** An upload or a file left the catalogue, whatever it was. */
	forgotten: [id: string];
	/** The last upload in progress finished or went. */
	idle: [];
}

export const cancelled = {
	byUploader: {
		status: 410,
		code: 'upload-cancelled',
		message: 'The upload was cancelled.',
		reason: 'by-uploader'
	},
	senderLeft: {
		status: 410,
		code: 'upload-cancelled',
		message: 'The upload stopped because its sender left the room.',
		reason: 'sender-left'
	},
	roomEnded: {
		status: 410,
		code: 'upload-cancelled',
		message: 'The room has ended.',
		reason: 'room-ended'
	}
} satisfies Record<string, Refusal>;

export class FileCatalogue extends EventEmitter<CatalogueEvents> {
	readonly #folder: string;
	readonly #options: CatalogueOptions;
	readonly #clock: Clock;
	readonly #uploads = new Map<string, PendingUpload>();
	readonly #files = new Map<string, SharedFile>();
	readonly #deletions = new Map<string, Promise<void>>();
	readonly #ledger: FileLedger;

	constructor(
		folder: string,
		options: CatalogueOptions,
		clock: Clock,
		ledger: FileLedger = new MemoryLedger(options)
	) {
		super();
		this.#folder = folder;
		this.#options = options;
		this.#clock = clock;
		this.#ledger = ledger;
	}

	get fileCount(): number {
		return this.#files.size;
	}

	upload(id: string): PendingUpload | undefined {
		return this.#uploads.get(id);
	}

	file(id: string): SharedFile | undefined {
		return this.#files.get(id);
	}

	/** Whose upload or file this id is, if it is anything at all. */
	owner(id: string): Member | undefined {
		const upload = this.#uploads.get(id);
		if (upload) return upload;
		const file = this.#files.get(id);
		return file && { roomId: file.roomId, peerId: file.info.senderId };
	}

	filesIn(roomId: string): FileInfo[] {
		return [...this.#files.values()]
			.filter((file) => file.roomId === roomId)
			.map((file) => file.info);
	}

	/** Bytes that uploads in progress have reserved but not written yet. */
	pendingBytes(): number {
		let bytes = 0;
		for (const upload of this.#uploads.values()) bytes += upload.size - upload.offset;
		return bytes;
	}

	/**
	 * Reserves room for a new upload of `size` bytes, or says why not. `freeBytes` is the disk's
	 * free space, measured just before. The ledger checks and reserves in one step, so two
	 * uploads starting at once cannot both take the last bytes; a shared ledger answers later,
	 * and the upload is listed meanwhile so that a sender leaving takes it along.
	 */
	reserve(
		member: Member & { senderName: string; address: string },
		upload: { id: string; name: string; type: string; size: number; sealed?: string },
		freeBytes: number
	): PendingUpload | Refusal | Promise<PendingUpload | Refusal> {
		const pending: PendingUpload = {
			...upload,
			roomId: member.roomId,
			peerId: member.peerId,
			address: member.address,
			senderName: member.senderName,
			path: join(this.#folder, upload.id),
			offset: 0,
			windowStartOffset: 0,
			stop: undefined,
			idleTimer: undefined
		};
		const refusal = this.#ledger.reserve(pending, freeBytes - this.pendingBytes());
		if (!(refusal instanceof Promise)) return this.#admit(pending, refusal);
		this.#uploads.set(pending.id, pending);
		return refusal.then(
			(answer) => {
				if (this.#uploads.get(pending.id) !== pending) {
					this.#ledger.released(pending.id);
					return cancelled.senderLeft;
				}
				this.#forgetUpload(pending.id);
				return this.#admit(pending, answer);
			},
			(error: unknown) => {
				if (this.#uploads.get(pending.id) === pending) this.#forgetUpload(pending.id);
				throw error;
			}
		);
	}

	#admit(pending: PendingUpload, refusal: Refusal | undefined): PendingUpload | Refusal {
		if (refusal) return refusal;
		this.#uploads.set(pending.id, pending);
		this.#watchProgress(pending);
		return pending;
	}

	progress(upload: PendingUpload, offset: number): void {
		upload.offset = offset;
	}

	/** Turns a fully received upload into a file everyone in the room sees. */
	complete(id: string): FileInfo | undefined {
		const upload = this.#uploads.get(id);
		if (!upload) return undefined;
		this.#clock.clearTimeout(upload.idleTimer);
		this.#forgetUpload(id);
		this.#ledger.finished(id);
		const info: FileInfo = {
			id,
			name: upload.name,
			size: upload.size,
			type: upload.type,
			senderId: upload.peerId,
			senderName: upload.senderName,
			createdAt: this.#clock.now(),
			hasPreview: previewTypes.has(upload.type) && upload.size <= MAX_PREVIEW_BYTES,
			...(upload.sealed ? { sealed: upload.sealed } : {})
		};
		this.#files.set(id, { roomId: upload.roomId, path: upload.path, info });
		this.emit('added', upload.roomId, info);
		return info;
	}

	/**
	 * Takes an upload or a file out of every list at once, stops anything still streaming into
	 * it, and deletes it from disk. `why` is what an interrupted uploader is told.
	 */
	remove(id: string, why: Refusal): Promise<void> {
		const upload = this.#uploads.get(id);
		const file = this.#files.get(id);
		if (!upload && !file) return Promise.resolve();
		// The deletion starts first, so whatever is stopped below can wait for it to finish.
		const deletion = rm(join(this.#folder, id), { force: true }).finally(() =>
			this.#deletions.delete(id)
		);
		this.#deletions.set(id, deletion);
		this.#ledger.released(id);
		if (upload) {
			this.#forgetUpload(id);
			this.#clock.clearTimeout(upload.idleTimer);
			upload.stop?.(why);
		} else if (file) {
			this.#files.delete(id);
			this.emit('removed', file.roomId, id);
		}
		this.emit('forgotten', id);
		return deletion;
	}

	/** Resolves once no upload is in progress: finished, refused, cancelled or abandoned. */
	async whenNoUploads(): Promise<void> {
		if (this.#uploads.size === 0) return;
		await new Promise<void>((resolve) => this.once('idle', resolve));
	}

	#forgetUpload(id: string): void {
		this.#uploads.delete(id);
		if (this.#uploads.size === 0) this.emit('idle');
	}

	/** Resolves once a removal under way has deleted the file from disk. */
	async whenGone(id: string): Promise<void> {
		await this.#deletions.get(id)?.catch(() => {});
	}

	removeSender(roomId: string, peerId: string, why: Refusal): Promise<void> {
		const ids = [...this.#entries()]
			.filter((entry) => entry.roomId === roomId && entry.peerId === peerId)
			.map((entry) => entry.id);
		return Promise.all(ids.map((id) => this.remove(id, why))).then(() => {});
	}

	removeRoom(roomId: string, why: Refusal): Promise<void> {
		const ids = [...this.#entries()]
			.filter((entry) => entry.roomId === roomId)
			.map((entry) => entry.id);
		return Promise.all(ids.map((id) => this.remove(id, why))).then(() => {});
	}

	/** Waits for every deletion under way, so a stopping server leaves nothing behind. */
	async settle(): Promise<void> {
		while (this.#deletions.size > 0) await Promise.allSettled([...this.#deletions.values()]);
	}

	*#entries(): Generator<{ id: string; roomId: string; peerId: string; size: number }> {
		for (const upload of this.#uploads.values()) yield upload;
		for (const file of this.#files.values()) {
			yield {
				id: file.info.id,
				roomId: file.roomId,
				peerId: file.info.senderId,
				size: file.info.size
			};
		}
	}

	/**
	 * An upload must make real progress in every abandon window: on average
	 * minUploadBytesPerSecond (or the rest of the file), so a byte now and then cannot hold a
	 * reservation forever while a phone on 3G (16 KiB/s and more) goes on.
	 */
	#watchProgress(upload: PendingUpload): void {
		const { abandonedUploadSeconds: windowSeconds, minUploadBytesPerSecond } = this.#options;
		upload.idleTimer = this.#clock.setTimeout(() => {
			if (this.#uploads.get(upload.id) !== upload) return;
			const needed = Math.min(
				minUploadBytesPerSecond * windowSeconds,
				upload.size - upload.windowStartOffset
			);
			if (upload.offset - upload.windowStartOffset >= Math.max(needed, 1)) {
				upload.windowStartOffset = upload.offset;
				return this.#watchProgress(upload);
			}
			void this.remove(upload.id, {
				status: 410,
				code: 'upload-stalled',
				message: `The upload was abandoned: too little arrived in ${windowSeconds} s.`
			});
		}, windowSeconds * 1000);
	}
}
