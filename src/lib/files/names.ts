/**
 * File names as people see them and as browsers save them. Shared by the server, which stores
 * only the sanitised name (never using it as a path), and the browser, which shows it.
 */
import { withoutInvisible } from '../text/visible.ts';

/** Long enough for any real name; short enough for every file system's 255-byte limit. */
export const MAX_FILE_NAME_LENGTH = 120;
const MAX_EXTENSION_LENGTH = 12;
const FALLBACK_NAME = 'file';

// Reserved on Windows; a download named "a:b" would be renamed or refused there.
const reservedCharacters = /[<>:"|?*]/g;
const windowsDeviceNames = /^(con|prn|aux|nul|com\d|lpt\d)(\.|$)/i;

/**
 * A name that is safe to show and to offer as a download name: no folders (so
 * `../../etc/passwd` becomes `passwd`), no invisible or direction-changing characters, no
 * leading dots, at most MAX_FILE_NAME_LENGTH characters with the extension kept.
 */
export function sanitiseFileName(raw: string): string {
	const lastSegment = raw.normalize('NFC').split(/[/\\]/).at(-1) ?? '';
	let name = withoutInvisible(lastSegment)
		.replace(reservedCharacters, '_')
		.replace(/\s+/g, ' ')
		.trim()
		.replace(/^[.\s]+/, '')
		.replace(/[.\s]+$/, '');
	if (windowsDeviceNames.test(name)) name = `_${name}`;
	name = truncateKeepingExtension(name);
	return name || FALLBACK_NAME;
}

function truncateKeepingExtension(name: string): string {
	const characters = [...name];
	if (characters.length <= MAX_FILE_NAME_LENGTH) return name;
	const dot = name.lastIndexOf('.');
	const extension = dot > 0 ? name.slice(dot) : '';
	const keep = extension.length <= MAX_EXTENSION_LENGTH ? [...extension] : [];
	const stem = characters.slice(0, MAX_FILE_NAME_LENGTH - keep.length - 1).join('');
	return `${stem.trimEnd()}…${keep.join('')}`;
}

/** What a file pasted from the clipboard is called: browsers name every one "image.png". */
export function pastedFileName(type: string, at: Date): string {
	const extension = /^image\/(png|jpeg|gif|webp|avif|bmp)$/.exec(type)?.[1] ?? 'png';
	const pad = (value: number) => String(value).padStart(2, '0');
	const date = `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())}`;
	const time = `${pad(at.getHours())}.${pad(at.getMinutes())}.${pad(at.getSeconds())}`;
	return `Pasted image ${date} ${time}.${extension === 'jpeg' ? 'jpg' : extension}`;
}
