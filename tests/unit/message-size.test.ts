import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_MESSAGE_BYTES } from '../../src/lib/protocol';
import { fitsMessageLimit } from '../../server/message-size';

const exactly = (args: unknown[]) => Buffer.byteLength(JSON.stringify(args)) <= MAX_MESSAGE_BYTES;
const ack = () => {};

describe('the message size limit', () => {
	it('agrees with measuring the JSON, for any JSON and an acknowledgement', () => {
		fc.assert(
			fc.property(fc.array(fc.jsonValue({ maxDepth: 4 })), fc.boolean(), (args, hasAck) => {
				const withAck = hasAck ? [...args, ack] : args;
				expect(fitsMessageLimit(withAck)).toBe(exactly(withAck));
			}),
			{ numRuns: 500 }
		);
	});

	it('agrees at the limit, where the bound alone cannot decide', () => {
		// ["…"] is 4 bytes of JSON around the string.
		for (const length of [MAX_MESSAGE_BYTES - 5, MAX_MESSAGE_BYTES - 4, MAX_MESSAGE_BYTES - 3]) {
			const args = ['x'.repeat(length)];
			expect(fitsMessageLimit(args)).toBe(exactly(args));
		}
		expect(fitsMessageLimit(['x'.repeat(MAX_MESSAGE_BYTES - 4)])).toBe(true);
		expect(fitsMessageLimit(['x'.repeat(MAX_MESSAGE_BYTES - 3)])).toBe(false);
		// Multi-byte characters and escapes count as JSON writes them.
		const wide = ['é'.repeat(MAX_MESSAGE_BYTES / 2)];
		expect(fitsMessageLimit(wide)).toBe(false);
		const escaped = ['\u0001'.repeat(MAX_MESSAGE_BYTES / 6 - 1)];
		expect(fitsMessageLimit(escaped)).toBe(exactly(escaped));
	});

	it('measures what it cannot bound, like deep nesting and buffers', () => {
		let deep: unknown = 'x'.repeat(MAX_MESSAGE_BYTES);
		for (let depth = 0; depth < 40; depth++) deep = [deep];
		expect(fitsMessageLimit([deep])).toBe(false);
		expect(fitsMessageLimit([Buffer.alloc(MAX_MESSAGE_BYTES / 2)])).toBe(false);
		expect(fitsMessageLimit([Buffer.alloc(16)])).toBe(true);
	});

	it('lets a 2 KiB ICE candidate through without building its JSON', () => {
		const signal = {
			to: 'a'.repeat(16),
			candidate: { candidate: 'x'.repeat(2000), sdpMid: '0', sdpMLineIndex: 0 }
		};
		const stringify = JSON.stringify;
		let built = 0;
		JSON.stringify = ((...args: Parameters<typeof stringify>) => {
			built++;
			return stringify(...args);
		}) as typeof stringify;
		try {
			expect(fitsMessageLimit([signal, ack])).toBe(true);
		} finally {
			JSON.stringify = stringify;
		}
		expect(built).toBe(0);
	});
});
