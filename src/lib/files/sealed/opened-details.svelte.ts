/**
 * The room's sealed file details as this page opened them: real names, types and thumbnails
 * for a page holding the room secret; "sealed" for a page that does not, or for details that
 * do not open (sealed with another secret, or changed on the way).
 */
import type { FileInfo } from '../../protocol';
import { fromBase64Url } from './base64url';
import { openDetails } from './details';
import { HEADER_BYTES, plainBytesOf, RECORD_BYTES } from './records';
import { thumbnailUrl } from './thumbnail';

export interface ShownFile {
	name: string;
	type: string;
	/** The size a person knows the file by: a sealed file's plaintext size. */
	size: number;
	/** An object URL of the thumbnail made by the sender's browser. */
	thumbnail: string | undefined;
	/** Sealed, and this page cannot open it: no name, no download. */
	isShut: boolean;
	/** Sealed, and being opened right now. */
	isOpening: boolean;
}

interface Opened {
	name: string;
	type: string;
	thumbnail: string | undefined;
}

/** The layout our pages seal with; only the size shown depends on it. */
const sealedLayout = {
	salt: new Uint8Array(),
	recordBytes: RECORD_BYTES,
	headerBytes: HEADER_BYTES
};

export class OpenedDetails {
	readonly secret: Uint8Array<ArrayBuffer> | undefined;
	/** null: tried, and these details do not open with this page's secret. */
	#opened = $state.raw<Record<string, Opened | null>>({});
	#asked = new Set<string>();

	constructor(secret: Uint8Array<ArrayBuffer> | undefined) {
		this.secret = secret;
	}

	/** Opens the details of files not opened yet, and lets go of those no longer listed. */
	follow(files: FileInfo[]): void {
		const listed = new Set(files.map((file) => file.id));
		for (const [id, opened] of Object.entries(this.#opened)) {
			if (listed.has(id)) continue;
			if (opened?.thumbnail) URL.revokeObjectURL(opened.thumbnail);
			this.#asked.delete(id);
		}
		this.#opened = Object.fromEntries(
			Object.entries(this.#opened).filter(([id]) => listed.has(id))
		);
		for (const file of files) {
			if (!file.sealed || this.#asked.has(file.id)) continue;
			this.#asked.add(file.id);
			void this.#open(file.id, file.sealed);
		}
	}

	shown(file: FileInfo): ShownFile {
		if (!file.sealed) {
			return {
				name: file.name,
				type: file.type,
				size: file.size,
				thumbnail: undefined,
				isShut: false,
				isOpening: false
			};
		}
		const size = plainBytesOf(file.size, sealedLayout) ?? file.size;
		const opened = this.#opened[file.id];
		if (opened) return { ...opened, size, isShut: false, isOpening: false };
		const isOpening = opened === undefined && this.secret !== undefined;
		return { name: file.name, type: '', size, thumbnail: undefined, isShut: !isOpening, isOpening };
	}

	dispose(): void {
		for (const opened of Object.values(this.#opened)) {
			if (opened?.thumbnail) URL.revokeObjectURL(opened.thumbnail);
		}
		this.#opened = {};
	}

	async #open(id: string, sealed: string): Promise<void> {
		const details = this.secret ? await openDetails(this.secret, sealed) : undefined;
		if (!this.#asked.has(id)) return;
		let thumbnail: string | undefined;
		if (details?.thumbnail) {
			try {
				thumbnail = thumbnailUrl(details.thumbnail, fromBase64Url);
			} catch {
				// A thumbnail that is not base64url: the list shows a type icon instead.
			}
		}
		this.#opened = {
			...this.#opened,
			[id]: details ? { name: details.name, type: details.type, thumbnail } : null
		};
	}
}
