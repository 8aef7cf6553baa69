import { describe, expect, it } from 'vitest';
import { MAX_CLOCK_JUMP } from '../../src/lib/guard/bounds';
import { HandsReplica } from '../../src/lib/hands/replica';

/** A room of replicas wired to each other, delivering each message when told to. */
function room(ids: string[]) {
	const present = new Set(ids);
	const queue: { from: string; to: string; data: string }[] = [];
	const ignored: string[] = [];
	const raisedEvents: Record<string, string[]> = {};
	const replicas = new Map<string, HandsReplica>();
	for (const id of ids) {
		raisedEvents[id] = [];
		replicas.set(
			id,
			new HandsReplica(
				{
					selfId: () => id,
					isPresent: (peerId) => present.has(peerId) && peerId !== id,
					send: (to, data) => queue.push({ from: id, to, data }),
					broadcast: (data) => {
						for (const to of present) if (to !== id) queue.push({ from: id, to, data });
					}
				},
				{
					onIgnored: (peerId) => ignored.push(peerId),
					onRaised: (peerId) => raisedEvents[id]!.push(peerId)
				}
			)
		);
	}
	const deliver = () => {
		while (queue.length) {
			const { from, to, data } = queue.shift()!;
			if (present.has(to)) replicas.get(to)!.receive(from, data);
		}
	};
	const order = (id: string) => replicas.get(id)!.raised.map((hand) => hand.peerId);
	return { replicas, queue, deliver, order, present, ignored, raisedEvents };
}

describe('raised hands', () => {
	it('shows hands in the order raised, the same on every device', () => {
		const { replicas, deliver, order } = room(['a', 'b', 'c']);
		replicas.get('c')!.raise();
		deliver();
		replicas.get('a')!.raise();
		deliver();
		for (const id of ['a', 'b', 'c']) expect(order(id)).toEqual(['c', 'a']);
	});

	it('orders two raises at nearly the same moment alike everywhere, by peer id', () => {
		const { replicas, deliver, order } = room(['a', 'b', 'c']);
		// Neither has heard of the other's raise: the same Lamport time on both.
		replicas.get('b')!.raise();
		replicas.get('a')!.raise();
		deliver();
		for (const id of ['a', 'b', 'c']) expect(order(id)).toEqual(['a', 'b']);
	});

	it('puts a raise made after hearing of another one after it, whatever the ids', () => {
		const { replicas, deliver, order } = room(['a', 'b', 'z']);
		replicas.get('z')!.raise();
		deliver();
		replicas.get('b')!.raise();
		replicas.get('a')!.raise();
		deliver();
		for (const id of ['a', 'b', 'z']) expect(order(id)).toEqual(['z', 'a', 'b']);
	});

	it('lowers a hand everywhere, and a late joiner learns who has a hand up', () => {
		const { replicas, deliver, order, present } = room(['a', 'b', 'late']);
		present.delete('late');
		replicas.get('a')!.raise();
		replicas.get('b')!.raise();
		deliver();
		replicas.get('a')!.lower();
		deliver();
		expect(order('b')).toEqual(['b']);
		present.add('late');
		for (const id of ['a', 'b']) replicas.get(id)!.peerOpened('late');
		deliver();
		expect(order('late')).toEqual(['b']);
	});

	it('drops the hand of someone who leaves', () => {
		const { replicas, deliver, order, present } = room(['a', 'b']);
		replicas.get('b')!.raise();
		deliver();
		present.delete('b');
		replicas.get('a')!.forget('b');
		expect(order('a')).toEqual([]);
	});

	it('tells of someone else raising a hand once, and never of our own', () => {
		const { replicas, deliver, raisedEvents } = room(['a', 'b']);
		replicas.get('b')!.raise();
		replicas.get('b')!.raise();
		deliver();
		expect(raisedEvents.a).toEqual(['b']);
		expect(raisedEvents.b).toEqual([]);
	});
});

describe('raised hands from a hostile peer', () => {
	it('keeps a message to its sender: no way to raise or lower someone else', () => {
		const { replicas, deliver, order } = room(['a', 'b', 'c']);
		replicas.get('a')!.raise();
		deliver();
		const b = replicas.get('b')!;
		b.receive('c', JSON.stringify({ type: 'lowered', peerId: 'a' }));
		b.receive('c', JSON.stringify({ type: 'raised', lamport: 1, peerId: 'a' }));
		expect(order('b')).toEqual(['a']);
	});

	it('ignores malformed, oversized, out-of-room and self-claimed messages', () => {
		const { replicas, order, ignored } = room(['a', 'b']);
		const a = replicas.get('a')!;
		for (const data of [
			'not json',
			'{"type":"raised"}',
			'{"type":"raised","lamport":-1}',
			'{"type":"raised","lamport":1.5}',
			'{"type":"raised","lamport":"1"}',
			'{"type":"wave"}',
			JSON.stringify({ type: 'raised', lamport: 1, padding: 'x'.repeat(1000) })
		]) {
			a.receive('b', data);
		}
		a.receive('stranger', '{"type":"raised","lamport":1}');
		a.receive('a', '{"type":"raised","lamport":1}');
		expect(order('a')).toEqual([]);
		expect(ignored.length).toBe(9);
	});

	it('refuses a Lamport time far in the future, so nobody can jump the queue for good', () => {
		const { replicas, deliver, order } = room(['a', 'b', 'c']);
		replicas.get('a')!.raise();
		deliver();
		const c = replicas.get('c')!;
		c.receive('b', JSON.stringify({ type: 'raised', lamport: Number.MAX_SAFE_INTEGER }));
		expect(order('c')).toEqual(['a']);
		expect(c.clock).toBeLessThan(MAX_CLOCK_JUMP);
		// Raising later still works and still comes after the first hand.
		replicas.get('c')!.raise();
		deliver();
		expect(order('a')).toEqual(['a', 'c']);
	});

	it('keeps one hand per person however many raises they send', () => {
		const { replicas, order } = room(['a', 'b']);
		const a = replicas.get('a')!;
		for (let lamport = 1; lamport <= 1000; lamport++) {
			a.receive('b', JSON.stringify({ type: 'raised', lamport }));
		}
		expect(order('a')).toEqual(['b']);
	});
});
