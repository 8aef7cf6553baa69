/**
 * What peers say to each other on the hands data channel: only "my hand is up, raised at this
 * Lamport time" or "my hand is down". A message speaks for its sender alone, since the receiver
 * files it under the connection it came on; there is no way to name someone else's hand.
 */
import * as v from 'valibot';

/** A state message is a few dozen bytes; anything longer is not from an honest device. */
export const MAX_HANDS_WIRE_BYTES = 256;

export const HandsWireSchema = v.variant('type', [
	v.strictObject({
		type: v.literal('raised'),
		/** Lamport time of the raise: the order every device agrees on, whatever their clocks say. */
		lamport: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(Number.MAX_SAFE_INTEGER))
	}),
	v.strictObject({ type: v.literal('lowered') })
]);
export type HandsWire = v.InferOutput<typeof HandsWireSchema>;

/** Parses one data-channel message; undefined for anything that is not a valid hand state. */
export function parseHandsWire(data: string): HandsWire | undefined {
	if (data.length > MAX_HANDS_WIRE_BYTES) return undefined;
	try {
		const result = v.safeParse(HandsWireSchema, JSON.parse(data));
		return result.success ? result.output : undefined;
	} catch {
		return undefined;
	}
}

export interface RaisedHand {
	peerId: string;
	lamport: number;
}

/**
 * Earlier raises first; two raises at the same Lamport time (made at nearly the same moment,
 * before either side heard of the other) go by peer id, so every device draws the same order.
 */
export function compareHands(a: RaisedHand, b: RaisedHand): number {
	return a.lamport - b.lamport || (a.peerId < b.peerId ? -1 : a.peerId > b.peerId ? 1 : 0);
}
