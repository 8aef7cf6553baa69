import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { MAX_CLOCK_JUMP, MAX_CLOCK_SKEW_MS } from '../../src/lib/guard/bounds';
import { ChatReplica } from '../../src/lib/chat/replica';
import { parseChatWire, type ChatMessage } from '../../src/lib/chat/wire';
import { mutationsOf, RUNS, Tally } from './hostile';

const NOW = 1_800_000_000_000;
const SELF = 'self_'.padEnd(16, '_');
const HONEST = 'hana_'.padEnd(16, '_');
const MALLORY = 'mallory'.padEnd(16, '_');
const names: Record<string, string> = { [HONEST]: 'Hana', [MALLORY]: 'Mallory' };
const tally = new Tally('chat');

afterAll(() => tally.print());

function message(overrides: Partial<ChatMessage> = {}): ChatMessage {
	return {
		id: 'abcdefgh12',
		lamport: 5,
		senderId: MALLORY,
		senderName: 'Mallory',
		sentAt: NOW,
		text: 'hello',
		...overrides
	};
}

/** This device's chat with a few honest messages in it, and what it sent. */
function seeded() {
	const sent: { to: string; data: string }[] = [];
	const ignored: string[] = [];
	const replica = new ChatReplica(
		{ selfId: () => SELF, nameOf: (id) => names[id], send: (to, data) => sent.push({ to, data }) },
		{ onIgnored: (id) => ignored.push(id) },
		() => NOW
	);
	for (let lamport = 1; lamport <= 3; lamport++) {
		replica.receive(
			HONEST,
			JSON.stringify({
				type: 'message',
				message: message({ id: `honest00${lamport}`, lamport, senderId: HONEST })
			})
		);
	}
	sent.length = 0;
	return { replica, sent, ignored };
}

const stateOf = (replica: ChatReplica) => JSON.stringify([replica.messages, replica.clock]);

/** After anything hostile, an honest message still shows, last. */
function expectHonestMessageShows(replica: ChatReplica): void {
	const lamport = replica.clock + 1;
	const honest = message({ id: 'honest-after', lamport, senderId: HONEST, text: 'still here' });
	replica.receive(HONEST, JSON.stringify({ type: 'message', message: honest }));
	expect(replica.messages.at(-1)).toMatchObject({ id: 'honest-after', text: 'still here' });
}

const templates = {
	message: { type: 'message', message: message() },
	ack: { type: 'ack', id: 'abcdefgh12' },
	'history-request': { type: 'history-request' },
	history: { type: 'history', messages: [message()] }
};

describe('malformed chat messages', () => {
	it.each(Object.entries(templates))('drops a malformed %s without a change', (type, template) => {
		fc.assert(
			fc.property(
				mutationsOf(template).filter((data) => parseChatWire(data) === undefined),
				(data) => {
					tally.count(`${type} (malformed)`);
					const { replica, sent, ignored } = seeded();
					const before = stateOf(replica);
					expect(() => replica.receive(MALLORY, data)).not.toThrow();
					expect(stateOf(replica)).toBe(before);
					expect(sent).toEqual([]);
					expect(ignored).toEqual([MALLORY]);
				}
			),
			{ numRuns: RUNS }
		);
	});
});

describe('hostile but well-formed chat messages', () => {
	it('shows a far-off timestamp as the time it arrived, never an invalid date', () => {
		const farTimes = fc.oneof(
			fc.integer({ min: NOW + MAX_CLOCK_SKEW_MS + 1, max: Number.MAX_SAFE_INTEGER }),
			fc.integer({ min: 0, max: NOW - 24 * 3600_000 - 1 }),
			fc.constantFrom(8.64e15 + 1, Number.MAX_SAFE_INTEGER, 0)
		);
		fc.assert(
			fc.property(farTimes, (sentAt) => {
				tally.count('message (far-off time)');
				const { replica } = seeded();
				replica.receive(MALLORY, JSON.stringify({ type: 'message', message: message({ sentAt }) }));
				for (const shown of replica.messages) {
					expect(() => new Date(shown.sentAt).toISOString()).not.toThrow();
					expect(Math.abs(shown.sentAt - NOW)).toBeLessThanOrEqual(24 * 3600_000);
				}
				expectHonestMessageShows(replica);
			}),
			{ numRuns: RUNS }
		);
	});

	it('drops a Lamport time that jumps too far, so later honest messages still show', () => {
		const jumps = fc.oneof(
			fc.constant(Number.MAX_SAFE_INTEGER),
			fc.integer({ min: 3 + MAX_CLOCK_JUMP + 1, max: Number.MAX_SAFE_INTEGER })
		);
		fc.assert(
			fc.property(jumps, fc.boolean(), (lamport, asHistory) => {
				tally.count(asHistory ? 'history (clock jump)' : 'message (clock jump)');
				const { replica, ignored } = seeded();
				if (asHistory) replica.peerOpened(MALLORY, true);
				const before = stateOf(replica);
				const wire = asHistory
					? { type: 'history', messages: [message({ lamport })] }
					: { type: 'message', message: message({ lamport }) };
				replica.receive(MALLORY, JSON.stringify(wire));
				expect(stateOf(replica)).toBe(before);
				expect(ignored).toEqual([MALLORY]);
				expectHonestMessageShows(replica);
			}),
			{ numRuns: RUNS }
		);
	});

	it('answers a history request once per connection', () => {
		fc.assert(
			fc.property(fc.integer({ min: 2, max: 50 }), (requests) => {
				tally.count('history-request (repeated)');
				const { replica, sent } = seeded();
				replica.peerOpened(MALLORY, false);
				for (let i = 0; i < requests; i++) {
					replica.receive(MALLORY, '{"type":"history-request"}');
				}
				expect(sent.filter((s) => s.to === MALLORY)).toHaveLength(1);
				// A new connection may ask again.
				replica.peerOpened(MALLORY, false);
				replica.receive(MALLORY, '{"type":"history-request"}');
				expect(sent.filter((s) => s.to === MALLORY)).toHaveLength(2);
			}),
			{ numRuns: RUNS }
		);
	});

	it('takes no history nobody asked for, and no forged names for people in the room', () => {
		const histories = fc.array(
			fc.record({
				id: fc.stringMatching(/^[A-Za-z0-9_-]{8,32}$/),
				lamport: fc.integer({ min: 0, max: 100 }),
				senderId: fc.constantFrom(HONEST, SELF, 'gone_'.padEnd(16, '_')),
				senderName: fc.constantFrom('Hana', 'Admin', 'Mallory'),
				text: fc.string({ minLength: 1, maxLength: 20 })
			}),
			{ minLength: 1, maxLength: 20 }
		);
		fc.assert(
			fc.property(histories, fc.boolean(), (forged, isAsked) => {
				tally.count(isAsked ? 'history (forged names)' : 'history (unasked)');
				const { replica } = seeded();
				if (isAsked) replica.peerOpened(MALLORY, true);
				const before = stateOf(replica);
				const messages = forged.map((f) => message({ ...f, sentAt: NOW }));
				replica.receive(MALLORY, JSON.stringify({ type: 'history', messages }));
				if (!isAsked) {
					expect(stateOf(replica)).toBe(before);
					return;
				}
				for (const shown of replica.messages) {
					expect(shown.senderId).not.toBe(SELF);
					if (shown.senderId === HONEST) expect(shown.senderName).toBe('Hana');
				}
			}),
			{ numRuns: RUNS }
		);
	});

	it('holds a bounded number of messages and ids however many arrive', () => {
		tally.count('message (flood)');
		const { replica } = seeded();
		for (let i = 0; i < 5000; i++) {
			const id = `flood${String(i).padStart(6, '0')}`;
			replica.receive(
				MALLORY,
				JSON.stringify({ type: 'message', message: message({ id, lamport: i }) })
			);
		}
		expect(replica.messages.length).toBeLessThanOrEqual(2000);
		expect(replica.knownIds).toBeLessThanOrEqual(2000);
		expectHonestMessageShows(replica);
	});

	it('ignores acks for messages it never sent', () => {
		fc.assert(
			fc.property(fc.stringMatching(/^[A-Za-z0-9_-]{8,32}$/), (id) => {
				tally.count('ack (unknown id)');
				const { replica, sent } = seeded();
				const before = stateOf(replica);
				replica.receive(MALLORY, JSON.stringify({ type: 'ack', id }));
				expect(stateOf(replica)).toBe(before);
				expect(sent).toEqual([]);
			}),
			{ numRuns: RUNS }
		);
	});
});
