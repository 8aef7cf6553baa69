/**
 * Judging a guess against the secret word, in English or Korean. Case, spaces and
 * punctuation never matter. "Close" means one slip away: one letter added, dropped, changed,
 * or two neighbours swapped. Korean is compared letter by letter (jamo), not syllable by
 * syllable, so 사과 and 사고 (one vowel off) are close while 사과 and 자동차 are not.
 */
export type Verdict = 'correct' | 'close' | 'wrong';

/** NFC, lower case, letters and digits only: what two spellings of one answer share. */
export function normalizeGuess(text: string): string {
	return text
		.normalize('NFC')
		.toLowerCase()
		.replace(/[^\p{L}\p{N}]/gu, '');
}

/**
 * Hangul syllables decompose (NFD) into their jamo, each one letter: 과 → ㄱ ㅘ. Latin
 * letters with accents decompose too, which is fine for "close".
 */
function letters(normalized: string): string[] {
	return [...normalized.normalize('NFD')];
}

/** Optimal string alignment distance: edits, counting a swap of neighbours as one. */
export function editDistance(a: readonly string[], b: readonly string[]): number {
	const rows = a.length + 1;
	const columns = b.length + 1;
	const d: number[] = new Array(rows * columns).fill(0);
	const at = (i: number, j: number) => d[i * columns + j] ?? 0;
	for (let i = 0; i < rows; i++) d[i * columns] = i;
	for (let j = 0; j < columns; j++) d[j] = j;
	for (let i = 1; i < rows; i++) {
		for (let j = 1; j < columns; j++) {
			const cost = a[i - 1] === b[j - 1] ? 0 : 1;
			let best = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
			if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
				best = Math.min(best, at(i - 2, j - 2) + 1);
			}
			d[i * columns + j] = best;
		}
	}
	return at(rows - 1, columns - 1);
}

export function judgeGuess(guess: string, word: string): Verdict {
	const said = normalizeGuess(guess);
	const meant = normalizeGuess(word);
	if (!said || !meant) return 'wrong';
	if (said === meant) return 'correct';
	const target = letters(meant);
	// Very short words are all one letter from many others; "close" would say nothing there.
	if (target.length < 3) return 'wrong';
	return editDistance(letters(said), target) <= 1 ? 'close' : 'wrong';
}

/** Letters per word (syllables for Korean), the one thing guessers learn before the end. */
export function hintFor(word: string): number[] {
	return word
		.normalize('NFC')
		.trim()
		.split(/\s+/)
		.map((part) => [...part].length);
}
