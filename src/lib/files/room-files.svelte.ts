/**
 * The room's files as one person sees them: what everyone has shared, and their own uploads
 * on the way. The list starts from the join answer, follows file:added and file:removed, and
 * starts again from every new answer (a resumed connection may have missed events).
 */
import { createContext, untrack } from 'svelte';
import { describeError } from '../errors';
import { m } from '../paraglide/messages.js';
import type { FileInfo, ServerToClient } from '../protocol';
import type { RoomSession } from '../room/session.svelte';
import { getSocket, request, type DropcallSocket } from '../socket';
import { pastedFileName } from './names';
import { FileLinks } from './file-links.svelte';
import { fromBase64Url } from './sealed/base64url';
import { OpenedDetails, type ShownFile } from './sealed/opened-details.svelte';
import { saveSealedFile } from './sealed/save';
import { SeatToken } from './seat-token';
import { Upload } from './upload.svelte';
import {
	forgetAllUnfinished,
	forgetUnfinished,
	isSameFile,
	readUnfinished,
	type UnfinishedUpload
} from './unfinished';

export class RoomFiles {
	readonly #session: RoomSession;
	readonly #unsubscribe: () => void;

	/** Oldest first; overwritten by events, and reset by every new join answer. */
	files: FileInfo[];
	uploads = $state<Upload[]>([]);
	/** Uploads a reload interrupted, waiting for the person to pick their file again. */
	unfinished = $state<UnfinishedUpload[]>(readUnfinished());
	/** The last thing that went wrong outside an upload (a delete, say), in words. */
	error = $state<string>();

	/** What uploads authorise with: followed from every join answer, waited for after a refusal. */
	readonly #seat = new SeatToken();
	readonly #links = new FileLinks(this.#seat);
	readonly #stopLinks: () => void;
	/** The credential the links held were asked with. */
	#linksSeat: string | undefined;
	/** Names, types and thumbnails of sealed files, as this page's room secret opens them. */
	readonly #details: OpenedDetails;

	/** `secret`: the room secret from the invite link; without it files cannot be shared or opened. */
	constructor(
		session: RoomSession,
		secret: string | undefined,
		socket: DropcallSocket = getSocket()
	) {
		this.#session = session;
		this.#details = new OpenedDetails(secret ? fromBase64Url(secret) : undefined);
		this.files = $derived(session.answer?.files ?? []);
		// Every file listed gets a link, and its sealed details opened, as it appears.
		this.#stopLinks = $effect.root(() => {
			$effect(() => {
				const files = this.files;
				const ids = files.map((file) => file.id);
				untrack(() => {
					void this.#links.want(ids);
					this.#details.follow(files);
				});
			});
		});
		const onAdded: ServerToClient['file:added'] = (file) => {
			this.files = [...this.files.filter((other) => other.id !== file.id), file];
			// The upload gives way to its file, whichever of the two news arrives first.
			this.uploads = this.uploads.filter((upload) => upload.id !== file.id);
		};
		const onRemoved: ServerToClient['file:removed'] = ({ id, reason }) => {
			const lost = this.files.find((file) => file.id === id);
			// Named as the list showed it: a sealed file's real name is known only here.
			const lostName = lost && this.#details.shown(lost).name;
			this.files = this.files.filter((file) => file.id !== id);
			// Nobody deleted it: say why it vanished from the list.
			if (lostName !== undefined && reason === 'server-lost') {
				this.error = m.file_lost_with_server({ name: lostName });
			}
		};
		socket.on('file:added', onAdded);
		socket.on('file:removed', onRemoved);
		if (session.answer) this.#seat.set(session.answer.fileToken);
		const stopFollowing = session.onAnswer((answer) => {
			// Unfinished uploads belong to the seat they started on, which a fresh join is not.
			if (!answer?.resumed) this.#forgetUnfinished();
			if (!answer) return this.#seat.end();
			const previous = this.#linksSeat;
			this.#linksSeat = answer.fileToken;
			this.#seat.set(answer.fileToken);
			// Links name the seat that asked for them: a new seat needs new ones.
			if (previous !== undefined && previous !== answer.fileToken) {
				void this.#links.renewAll(answer.files.map((file) => file.id));
			}
		});
		this.#unsubscribe = () => {
			stopFollowing();
			socket.off('file:added', onAdded);
			socket.off('file:removed', onRemoved);
		};
	}

	/** Whether this page holds the room secret, so it can seal files and open them. */
	get canSeal(): boolean {
		return this.#details.secret !== undefined;
	}

	/**
	 * Starts uploading each file; they appear in everyone's list as each one completes. A file
	 * a reload interrupted continues where it stopped.
	 */
	share(files: Iterable<File>): void {
		const secret = this.#details.secret;
		if (!secret) {
			this.error = m.sealed_sharing_needs_link();
			return;
		}
		this.error = undefined;
		const started = [...files].map((file) => {
			const continues = this.unfinished.find((upload) => isSameFile(file, upload));
			if (continues) this.unfinished = this.unfinished.filter((upload) => upload !== continues);
			return new Upload(file, {
				continues,
				seat: this.#seat,
				secret,
				onUploaded: (upload) => {
					if (this.files.some((listed) => listed.id === upload.id)) {
						this.uploads = this.uploads.filter((other) => other !== upload);
					}
				}
			});
		});
		this.uploads = [...this.uploads, ...started];
		for (const upload of started) upload.start();
	}

	/** Shares images pasted from the clipboard, named by when they were pasted. */
	sharePasted(files: Iterable<File>): void {
		// A timestamp for a name, not state anything renders from.

		const now = new Date();
		this.share(
			[...files].map((file) =>
				// Browsers call every pasted image "image.png".
				/^image\.\w+$/.test(file.name) || !file.name
					? new File([file], pastedFileName(file.type, now), { type: file.type })
					: file
			)
		);
	}

	/** The person picked a file to continue `upload` with; only the same file will do. */
	continueWith(upload: UnfinishedUpload, file: File): void {
		if (isSameFile(file, upload)) return this.share([file]);
		this.error = m.upload_not_same_file({ name: upload.name });
	}

	/** Gives up an interrupted upload; the server drops its part once nothing arrives for it. */
	forgetUnfinished(upload: UnfinishedUpload): void {
		forgetUnfinished(upload.id);
		this.unfinished = this.unfinished.filter((other) => other !== upload);
	}

	#forgetUnfinished(): void {
		forgetAllUnfinished();
		this.unfinished = [];
	}

	async cancel(upload: Upload): Promise<void> {
		this.uploads = this.uploads.filter((other) => other !== upload);
		await upload.cancel();
	}

	/** Tries again, where the server's copy stopped, every upload the network interrupted. */
	resumeInterrupted(): void {
		for (const upload of this.uploads) if (upload.canRetry) upload.retry();
	}

	async delete(file: FileInfo): Promise<void> {
		const answer = await request('file:delete', { id: file.id });
		this.error = answer.ok ? undefined : describeError(answer.error);
	}

	isMine(file: FileInfo): boolean {
		return file.senderId === this.#session.self?.id;
	}

	/** The file's download link while it is fresh; undefined while a new one is on its way. */
	downloadUrl(file: FileInfo): string | undefined {
		return this.#links.download(file.id);
	}

	previewUrl(file: FileInfo): string | undefined {
		if (file.sealed) return this.#details.shown(file).thumbnail;
		return file.hasPreview ? this.#links.preview(file.id) : undefined;
	}

	/** The name, type and thumbnail to show: a sealed file's own once opened. */
	shown(file: FileInfo): ShownFile {
		return this.#details.shown(file);
	}

	/**
	 * Saves a sealed file, opened on its way to disk. A record that does not open stops the
	 * download and says so: the file changed on the server after it was shared.
	 */
	async saveSealed(file: FileInfo): Promise<void> {
		const secret = this.#details.secret;
		const shown = this.#details.shown(file);
		if (!secret || shown.isShut || shown.isOpening) return;
		const url = await this.#links.fresh(file.id);
		if (!url) return;
		this.error = undefined;
		const outcome = await saveSealedFile({ url, secret, name: shown.name, sealedBytes: file.size });
		if (outcome === 'tampered') this.error = m.file_changed_after_shared();
		else if (outcome === 'failed' || outcome === 'network') this.error = m.download_failed();
	}

	/** A download link fresh enough to follow right now, renewed first if need be. */
	freshDownloadUrl(file: FileInfo): Promise<string | undefined> {
		return this.#links.fresh(file.id);
	}

	/** Stops listening and cancels uploads still going: nothing half-sent stays on the server. */
	dispose(): void {
		this.#unsubscribe();
		this.#stopLinks();
		this.#links.dispose();
		this.#details.dispose();
		for (const upload of this.uploads) if (upload.status !== 'finishing') void upload.cancel();
		this.uploads = [];
	}
}

export const [getRoomFiles, setRoomFiles] = createContext<RoomFiles>();
