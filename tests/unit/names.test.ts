import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { ChatMessageSchema } from '../../src/lib/chat/wire';
import { GameWireSchema } from '../../src/lib/game/wire';
import { DisplayNameSchema } from '../../src/lib/protocol';
import { cleanDisplayName } from '../../src/lib/text/visible';

const disguises = [
	'Ali\u200bce', // zero-width space
	'Ali\u200dce', // zero-width joiner
	'\u202eAlice', // right-to-left override
	'Alice\u2066', // left-to-right isolate
	'\ufeffAlice', // byte order mark
	'Ali\u00adce', // soft hyphen
	'Alice\u3164', // Hangul filler, which renders as a blank
	'Al\u0000ice\u0007', // control characters
	'  Alice  '
];

describe('display names', () => {
	it('look like what they are: invisible characters are removed', () => {
		for (const name of disguises) {
			expect(cleanDisplayName(name), JSON.stringify(name)).toBe('Alice');
			expect(v.parse(DisplayNameSchema, name)).toBe('Alice');
		}
	});

	it('refuses a name made of nothing visible', () => {
		for (const name of ['\u200b\u200b', '\u202e', '   ', '\u3164']) {
			expect(v.safeParse(DisplayNameSchema, name).success, JSON.stringify(name)).toBe(false);
		}
	});

	it('keeps Korean and emoji names as written', () => {
		expect(cleanDisplayName('김민준')).toBe('김민준');
		expect(cleanDisplayName('한글 이름')).toBe('한글 이름');
		// A joiner inside an emoji sequence is removed too; the parts still show.
		expect(cleanDisplayName('Sam 🎉')).toBe('Sam 🎉');
	});

	it('cleans names that peers send in chat and in the game', () => {
		const message = v.parse(ChatMessageSchema, {
			id: 'abcdefgh',
			lamport: 1,
			senderId: 'x',
			senderName: '\u202eAli\u200bce',
			sentAt: 1,
			text: 'hi'
		});
		expect(message.senderName).toBe('Alice');
		const id = 'AAAAAAAAAAAAAAAA';
		const state = {
			number: 1,
			gameId: 'game0001',
			version: 1,
			language: 'en',
			phase: 'choosing',
			round: 1,
			drawerId: id,
			players: [{ id, name: 'Bo\u200bb\u202e', score: 0, hasDrawn: false, hasLeft: false }],
			guessed: [],
			hint: null,
			remainingMs: 1000,
			endReason: null,
			settings: { chooseMs: 1000, roundMs: 1000, revealMs: 0 }
		};
		const parsed = v.parse(GameWireSchema, { type: 'state', state });
		expect(parsed.type === 'state' && parsed.state.players[0]?.name).toBe('Bob');
	});
});
