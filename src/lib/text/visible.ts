/**
 * Text that looks like what it is. Shared by file names, display names and every name a peer
 * sends, so one person cannot pose as another with characters nobody can see.
 */

// Control characters break headers and terminals; bidi controls let "gpj.exe" pose as
// "exe.jpg"; zero-width characters and joiners make two different names look the same.
// The combining marks (U+034F, U+17B4-U+17B5, U+180B-U+180F) sit outside the class: inside
// one, a linter rightly reads them as joining the character before.
const invisibleCharacters =
	// eslint-disable-next-line no-control-regex
	/[\u0000-\u001f\u007f-\u009f\u00ad\u061c\u115f\u1160\u200b-\u200f\u202a-\u202e\u2060-\u206f\u3164\ufeff\uffa0\ufff0-\ufff8]|\u034f|\u17b4|\u17b5|\u180b|\u180c|\u180d|\u180e|\u180f/g;

/** The text without invisible, control and direction-changing characters. */
export function withoutInvisible(text: string): string {
	return text.replace(invisibleCharacters, '');
}

/**
 * A display name as every screen shows it: NFC, no invisible characters, runs of white space
 * (including the wide and narrow ones that pad a name) folded to one space, trimmed.
 */
export function cleanDisplayName(raw: string): string {
	return withoutInvisible(raw.normalize('NFC')).replace(/\s+/g, ' ').trim();
}
