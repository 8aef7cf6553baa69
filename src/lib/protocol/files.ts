/**
 * Files travel over plain HTTP, not Socket.IO: uploads use the tus resumable upload protocol
 * at UPLOADS_PATH with `Authorization: Bearer <fileToken>`. The seat's token never goes in a
 * URL: the page asks FILE_LINKS_PATH (same header) for download links, each carrying a link
 * token good for GET and HEAD of one file and its preview, for a few minutes, while the file
 * and the asking seat last; so a plain `<a download>` or `<img>` works, and a copied link or a
 * proxy's log gives away one file for minutes, never the seat.
 * Socket.IO carries only the list: file:added, file:removed and the file:delete request.
 */
import * as v from 'valibot';
import { errorCodes, fileRefusalReasons } from './errors.ts';
import { FileIdSchema } from './ids.ts';

export const FILES_PATH = '/files';
export const UPLOADS_PATH = `${FILES_PATH}/uploads`;
export const FILE_LINKS_PATH = `${FILES_PATH}/links`;

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
