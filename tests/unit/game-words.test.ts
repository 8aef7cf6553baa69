import { describe, expect, it } from 'vitest';
import { editDistance, hintFor, judgeGuess, normalizeGuess } from '../../src/lib/game/guess';
import { MAX_WORD_LENGTH } from '../../src/lib/game/wire';
import { languageOf, loadWords, pickWords } from '../../src/lib/game/words';

describe('judging a guess', () => {
	it('ignores case, spaces and punctuation', () => {
		expect(judgeGuess('  Ice-Cream! ', 'ice cream')).toBe('correct');
		expect(judgeGuess('GIRAFFE', 'giraffe')).toBe('correct');
		expect(normalizeGuess('Hot  Dog.')).toBe('hotdog');
	});

	it('calls one slip "close": a letter added, dropped, changed or two swapped', () => {
		for (const guess of ['girafe', 'giraffes', 'girabfe', 'giarffe']) {
			expect(judgeGuess(guess, 'giraffe'), guess).toBe('close');
		}
		for (const guess of ['grafe', 'elephant', '', '!!!']) {
			expect(judgeGuess(guess, 'giraffe'), guess).toBe('wrong');
		}
	});

	it('never calls anything close to a very short word', () => {
		expect(judgeGuess('cat', 'cow')).toBe('wrong');
		expect(judgeGuess('cap', 'cat')).toBe('close');
		expect(judgeGuess('ox', 'on')).toBe('wrong');
	});

	it('compares Korean letter by letter (jamo), not syllable by syllable', () => {
		expect(judgeGuess('사과', '사과')).toBe('correct');
		expect(judgeGuess('사 과', '사과')).toBe('correct');
		// One vowel off: 과 (ㄱㅘ) → 고 (ㄱㅗ).
		expect(judgeGuess('사고', '사과')).toBe('close');
		// A final consonant more: 과 → 관.
		expect(judgeGuess('사관', '사과')).toBe('close');
		// A whole syllable different is more than one slip.
		expect(judgeGuess('사자', '사과')).toBe('wrong');
		expect(judgeGuess('자동차', '사과')).toBe('wrong');
		// Decomposed input (as some keyboards send it) is the same word.
		expect(judgeGuess('사과'.normalize('NFD'), '사과')).toBe('correct');
	});

	it('counts edits with a swap of neighbours as one', () => {
		expect(editDistance([...'abcd'], [...'abdc'])).toBe(1);
		expect(editDistance([...'kitten'], [...'sitting'])).toBe(3);
		expect(editDistance([], [...'abc'])).toBe(3);
	});
});

describe('the hint', () => {
	it('gives letters per word, syllables for Korean', () => {
		expect(hintFor('ice cream')).toEqual([3, 5]);
		expect(hintFor('giraffe')).toEqual([7]);
		expect(hintFor('아이스크림')).toEqual([5]);
		expect(hintFor('아이스크림'.normalize('NFD'))).toEqual([5]);
	});
});

describe('word lists', () => {
	it.each(['en', 'ko'] as const)(
		'holds a few hundred distinct %s words that fit a message',
		async (language) => {
			const words = await loadWords(language);
			expect(words.length).toBeGreaterThanOrEqual(300);
			expect(new Set(words).size).toBe(words.length);
			expect(new Set(words.map(normalizeGuess)).size).toBe(words.length);
			for (const word of words) {
				expect(word).toBe(word.trim());
				expect(word.length).toBeLessThanOrEqual(MAX_WORD_LENGTH);
				expect(normalizeGuess(word).length).toBeGreaterThan(0);
				if (language === 'ko') expect(word).toMatch(/^[\uac00-\ud7a3 ]+$/);
				else expect(word).toMatch(/^[a-z -]+$/);
			}
		}
	);

	it('picks distinct words, avoiding those already drawn', () => {
		const words = ['a1', 'b2', 'c3', 'd4', 'e5'];
		let seed = 0.9;
		const random = () => (seed = (seed * 7.3) % 1);
		for (let i = 0; i < 20; i++) {
			const picked = pickWords(words, 3, new Set(['a1', 'b2']), random);
			expect(new Set(picked)).toEqual(new Set(['c3', 'd4', 'e5']));
		}
		// When too few fresh words are left, repeats are better than fewer choices.
		expect(pickWords(words, 3, new Set(words), random)).toHaveLength(3);
	});

	it('plays in Korean for a Korean browser and in English otherwise', () => {
		expect(languageOf('ko')).toBe('ko');
		expect(languageOf('ko-KR')).toBe('ko');
		expect(languageOf('en-US')).toBe('en');
		expect(languageOf('kok')).toBe('en');
		expect(languageOf('')).toBe('en');
	});
});
