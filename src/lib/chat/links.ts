/** Splits chat text into plain text and web links; only http and https become links. */
export type TextPart =
	{ kind: 'text'; text: string } | { kind: 'link'; text: string; href: string };

const candidate = /\bhttps?:\/\/[^\s<>"']+/gi;
/** Punctuation that ends a sentence is not part of the link it follows. */
const trailing = /[.,;:!?)\]}'"]+$/;

export function linkify(text: string): TextPart[] {
	const parts: TextPart[] = [];
	let last = 0;
	for (const match of text.matchAll(candidate)) {
		const raw = match[0].replace(trailing, '');
		const start = match.index;
		let href: string | undefined;
		try {
			const url = new URL(raw);
			if (url.protocol === 'http:' || url.protocol === 'https:') href = url.href;
		} catch {
			href = undefined;
		}
		if (!href) continue;
		if (start > last) parts.push({ kind: 'text', text: text.slice(last, start) });
		parts.push({ kind: 'link', text: raw, href });
		last = start + raw.length;
	}
	if (last < text.length) parts.push({ kind: 'text', text: text.slice(last) });
	return parts;
}
