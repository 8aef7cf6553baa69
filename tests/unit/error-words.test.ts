import { afterEach, describe, expect, it } from 'vitest';
import { describeError } from '../../src/lib/errors';
import { getLocale, overwriteGetLocale } from '../../src/lib/paraglide/runtime.js';
import { errorCodes, fileRefusalReasons, type ProtocolError } from '../../src/lib/protocol';

const pageLocale = getLocale;
afterEach(() => overwriteGetLocale(pageLocale));

/** What the server says in English, for logs: it must never reach a person's screen. */
const SERVER_WORDS = 'SERVER SENTENCE IN ENGLISH';
const hangul = /[\uac00-\ud7a3]/;

/** Each code alone, and with what the server may send along (numbers, a reason). */
function refusals(): ProtocolError[] {
	const numbers = { sizeBytes: 3 * 2 ** 20, limitBytes: 2 ** 20, leftBytes: 512, limitFiles: 5 };
	return errorCodes.flatMap((code) => [
		{ code, message: SERVER_WORDS },
		{ code, message: SERVER_WORDS, ...numbers },
		{ code, message: SERVER_WORDS, room: { seats: 4, taken: 4, devices: 'video' as const } },
		{ code, message: SERVER_WORDS, retryAfterSeconds: 30 },
		...fileRefusalReasons.map((reason) => ({ code, message: SERVER_WORDS, reason }))
	]);
}

describe('every error code the server and the file store answer with', () => {
	it('has words of its own in English and in Korean, never the server sentence', () => {
		for (const refusal of refusals()) {
			const label = JSON.stringify(refusal);
			overwriteGetLocale(() => 'en');
			const english = describeError(refusal);
			overwriteGetLocale(() => 'ko');
			const korean = describeError(refusal);
			expect(english.trim(), label).not.toBe('');
			expect(english, label).not.toContain(SERVER_WORDS);
			expect(korean, label).not.toContain(SERVER_WORDS);
			expect(korean, label).toMatch(hangul);
			expect(english, label).not.toMatch(hangul);
		}
	});
});
