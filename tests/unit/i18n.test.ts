import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const catalog = (locale: string): Record<string, string> => {
	const { $schema: _schema, ...messages } = JSON.parse(
		readFileSync(new URL(`../../messages/${locale}.json`, import.meta.url), 'utf8')
	);
	return messages;
};
const placeholders = (text: string) =>
	[...text.matchAll(/\{(\w+)\}/g)].map((match) => match[1]).sort();

describe('the English and Korean catalogs', () => {
	const en = catalog('en');
	const ko = catalog('ko');

	it('have the same keys', () => {
		expect(Object.keys(ko).sort()).toEqual(Object.keys(en).sort());
	});

	it('use the same placeholders in every message, and leave none empty', () => {
		for (const [key, english] of Object.entries(en)) {
			expect(placeholders(ko[key] ?? ''), key).toEqual(placeholders(english));
			expect(english.trim(), key).not.toBe('');
			expect(ko[key]?.trim(), key).not.toBe('');
		}
	});
});
