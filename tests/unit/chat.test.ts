import { describe, expect, it } from 'vitest';
import { linkify } from '../../src/lib/chat/links';
import {
	compareMessages,
	historyChunks,
	MAX_WIRE_BYTES,
	parseChatWire,
	type ChatMessage
} from '../../src/lib/chat/wire';

const message = (overrides: Partial<ChatMessage> = {}): ChatMessage => ({
	id: 'abcdefgh12',
	lamport: 1,
	senderId: 'peer-a',
	senderName: 'Ana',
	sentAt: 1_700_000_000_000,
	text: 'hello',
	...overrides
});

describe('chat wire messages', () => {
	it('accepts each valid kind', () => {
		expect(parseChatWire(JSON.stringify({ type: 'message', message: message() }))).toMatchObject({
			type: 'message'
		});
		expect(parseChatWire('{"type":"ack","id":"abcdefgh12"}')).toMatchObject({ type: 'ack' });
		expect(parseChatWire('{"type":"history-request"}')).toMatchObject({ type: 'history-request' });
	});

	it.each([
		['not JSON', '{'],
		['unknown type', '{"type":"shout"}'],
		['extra keys', JSON.stringify({ type: 'message', message: message(), admin: true })],
		['empty text', JSON.stringify({ type: 'message', message: message({ text: '' }) })],
		[
			'text too long',
			JSON.stringify({ type: 'message', message: message({ text: 'x'.repeat(4001) }) })
		],
		['negative clock', JSON.stringify({ type: 'message', message: message({ lamport: -1 }) })],
		['bad id', JSON.stringify({ type: 'message', message: message({ id: '<script>' }) })],
		[
			'huge name',
			JSON.stringify({ type: 'message', message: message({ senderName: 'n'.repeat(41) }) })
		],
		['oversized', 'x'.repeat(MAX_WIRE_BYTES + 1)],
		[
			'history too long',
			JSON.stringify({ type: 'history', messages: Array.from({ length: 501 }, () => message()) })
		]
	])('drops %s', (_label, data) => {
		expect(parseChatWire(data)).toBeUndefined();
	});
});

describe('message order', () => {
	it('follows Lamport time, breaking ties the same way on every device', () => {
		const a = message({ id: 'aaaaaaaa01', lamport: 2, senderId: 'b' });
		const b = message({ id: 'aaaaaaaa02', lamport: 2, senderId: 'a' });
		const c = message({ id: 'aaaaaaaa03', lamport: 1, senderId: 'z', sentAt: 9e12 });
		expect([a, b, c].sort(compareMessages)).toEqual([c, b, a]);
		expect([b, c, a].sort(compareMessages)).toEqual([c, b, a]);
	});
});

describe('history chunks', () => {
	it('splits a long history into pieces that each fit one data-channel message', () => {
		const messages = Array.from({ length: 500 }, (_, i) =>
			message({ id: `message${String(i).padStart(3, '0')}`, lamport: i, text: '가'.repeat(4000) })
		);
		const chunks = historyChunks(messages);
		expect(chunks.flat()).toEqual(messages);
		for (const chunk of chunks) {
			const wire = JSON.stringify({ type: 'history', messages: chunk });
			expect(new TextEncoder().encode(wire).length).toBeLessThanOrEqual(MAX_WIRE_BYTES);
		}
	});
});

describe('links', () => {
	it('links http and https only, leaving sentence punctuation out', () => {
		expect(linkify('see https://example.org/a?b=1. and http://x.test')).toEqual([
			{ kind: 'text', text: 'see ' },
			{ kind: 'link', text: 'https://example.org/a?b=1', href: 'https://example.org/a?b=1' },
			{ kind: 'text', text: '. and ' },
			{ kind: 'link', text: 'http://x.test', href: 'http://x.test/' }
		]);
	});

	it('never links javascript:, data: or other schemes', () => {
		for (const text of [
			'javascript:alert(1)',
			'data:text/html,<b>',
			'ftp://x.test',
			'JAVASCRIPT://x'
		]) {
			expect(linkify(text)).toEqual([{ kind: 'text', text }]);
		}
	});
});
