import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FirstCallFirst, HOLD_MAX_MS, type Call } from '../../src/lib/call/first-call-first';
import type { SignalPayload } from '../../src/lib/protocol';

const answer = { description: { type: 'answer', sdp: 'v=0' } } as SignalPayload;
const offer = { description: { type: 'offer', sdp: 'v=0' } } as SignalPayload;
const candidate = (n: number) =>
	({ candidate: { candidate: `candidate:${n}`, sdpMid: '0' } }) as SignalPayload;

/** Calls that note, in one list, each signal as it is handed to them. */
function calls(handled: string[]) {
	const call = (name: string, isInitiator = true): Call => ({
		isInitiator,
		handleSignal: async (payload) => {
			handled.push(
				`${name} ${'description' in payload ? payload.description.type : payload.candidate?.candidate}`
			);
		}
	});
	return call;
}

describe('the newcomer’s first calls', () => {
	let handled: string[];
	let up: (() => void) | undefined;
	let stopped: number;
	let order: FirstCallFirst<Call>;
	const call = (name: string, isInitiator?: boolean) => calls(handled)(name, isInitiator);
	beforeEach(() => {
		vi.useFakeTimers();
		handled = [];
		up = undefined;
		stopped = 0;
		order = new FirstCallFirst((_, isUp) => {
			up = isUp;
			return () => stopped++;
		});
	});
	afterEach(() => vi.useRealTimers());

	it('let the first to answer come up alone, then the others in the order their signals came', () => {
		const [a, b, c] = [call('a'), call('b'), call('c')];
		order.deliver(b, answer);
		order.deliver(a, answer);
		order.deliver(b, candidate(1));
		order.deliver(a, candidate(2));
		order.deliver(c, answer);
		expect(handled).toEqual(['b answer', 'b candidate:1']);
		up!();
		expect(handled).toHaveLength(2); // not within the callback that saw it up
		vi.advanceTimersByTime(0);
		expect(handled).toEqual(['b answer', 'b candidate:1', 'a answer', 'a candidate:2', 'c answer']);
		expect(stopped).toBe(1);
		order.deliver(c, candidate(3));
		expect(handled.at(-1)).toBe('c candidate:3');
	});

	it('wait at most HOLD_MAX_MS for a first connection that never comes up', () => {
		const [a, b] = [call('a'), call('b')];
		order.deliver(a, answer);
		order.deliver(b, answer);
		vi.advanceTimersByTime(HOLD_MAX_MS - 1);
		expect(handled).toEqual(['a answer']);
		vi.advanceTimersByTime(1);
		expect(handled).toEqual(['a answer', 'b answer']);
	});

	it('never hold anyone calling this page, nor signals before a first answer', () => {
		const [a, b, caller] = [call('a'), call('b'), call('caller', false)];
		order.deliver(a, candidate(1));
		order.deliver(a, answer);
		order.deliver(caller, offer);
		order.deliver(b, answer);
		expect(handled).toEqual(['a candidate:1', 'a answer', 'caller offer']);
	});

	it('drop what it holds when the call ends', () => {
		const [a, b] = [call('a'), call('b')];
		order.deliver(a, answer);
		order.deliver(b, answer);
		order.stop();
		vi.advanceTimersByTime(HOLD_MAX_MS);
		expect(handled).toEqual(['a answer']);
		expect(stopped).toBe(1);
	});
});
