/** One or two letters for an avatar: first letters of the first two words, or of the name. */
export function initials(name: string): string {
	const words = name.trim().split(/\s+/).filter(Boolean);
	const letters = words.length > 1 ? [words[0], words[1]] : [words[0]];
	return letters
		.map((word) => (word ? Array.from(word)[0] : ''))
		.join('')
		.toUpperCase();
}
