/**
 * The headers that make a shared file safe to hand to a browser: a type it will not run, a
 * name it will not misread, and byte ranges for resumed downloads and video seeking.
 */

/** `type/subtype` as a browser declares it, lower-cased; '' for anything malformed. */
export function sanitiseMimeType(raw: unknown): string {
	if (typeof raw !== 'string') return '';
	const type = raw.split(';')[0]!.trim().toLowerCase();
	return /^[a-z]+\/[a-z0-9][a-z0-9!#$&^_.+-]{0,100}$/.test(type) ? type : '';
}

// Types a browser only ever displays or plays, never runs: HTML, SVG, XML and scripts all fall
// back to application/octet-stream, which is downloaded whatever the file says it is.
const passiveTypes =
	/^(image\/(png|jpeg|gif|webp|avif|bmp)|audio\/[a-z0-9.+-]+|video\/[a-z0-9.+-]+|text\/plain|application\/(pdf|zip|gzip|x-7z-compressed|x-tar))$/;

export function downloadContentType(type: string): string {
	if (!passiveTypes.test(type)) return 'application/octet-stream';
	return type === 'text/plain' ? 'text/plain; charset=utf-8' : type;
}

/**
 * RFC 6266 Content-Disposition with an ASCII `filename` for old clients and the exact UTF-8
 * name in `filename*` (RFC 8187). `name` is already sanitised, so it holds no quotes,
 * backslashes or control characters; the ASCII fallback replaces everything else with `_`.
 */
export function contentDisposition(kind: 'attachment' | 'inline', name: string): string {
	const ascii = name.replace(/[^\x20-\x7e]/g, '_').replace(/["\\%]/g, '_');
	const encoded = encodeURIComponent(name).replace(
		/['()*]/g,
		(character) => `%${character.charCodeAt(0).toString(16).toUpperCase()}`
	);
	return `${kind}; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}

export interface ByteRange {
	start: number;
	/** Inclusive, as in the header. */
	end: number;
}

/**
 * One range of `bytes=` (RFC 9110 §14): a range, an open end, or a suffix. Several ranges at
 * once are answered with the whole file, which the RFC allows; `unsatisfiable` means 416.
 */
export function parseRange(
	header: string | undefined,
	size: number
): ByteRange | 'unsatisfiable' | undefined {
	if (!header) return undefined;
	const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
	if (!match) return undefined;
	const [, first = '', last = ''] = match;
	if (first === '' && last === '') return undefined;
	if (first === '') {
		const suffix = Number(last);
		if (suffix === 0 || size === 0) return 'unsatisfiable';
		return { start: Math.max(0, size - suffix), end: size - 1 };
	}
	const start = Number(first);
	// A last position before the first is not a range at all: the header is ignored.
	if (last !== '' && Number(last) < start) return undefined;
	if (start >= size) return 'unsatisfiable';
	return { start, end: last === '' ? size - 1 : Math.min(Number(last), size - 1) };
}
