/** The built-in word lists, loaded only when a game needs them. */
import type { Language } from './machine';

/** The room's language is that of whoever starts the game: Korean for ko*, else English. */
export function languageOf(locale: string): Language {
	return /^ko\b/i.test(locale) ? 'ko' : 'en';
}

export async function loadWords(language: Language): Promise<readonly string[]> {
	// Separate chunks: the room page does not carry a few hundred words it may never use.
	const module = language === 'ko' ? await import('./words/ko') : await import('./words/en');
	return module.WORDS;
}

/** `count` different words at random, avoiding the ones already drawn when enough are left. */
export function pickWords(
	words: readonly string[],
	count: number,
	avoid: ReadonlySet<string>,
	random: () => number = Math.random
): string[] {
	const fresh = words.filter((word) => !avoid.has(word));
	const pool = fresh.length >= count ? fresh : [...words];
	const picked: string[] = [];
	while (picked.length < count && pool.length > 0) {
		const index = Math.min(pool.length - 1, Math.floor(random() * pool.length));
		picked.push(...pool.splice(index, 1));
	}
	return picked;
}
