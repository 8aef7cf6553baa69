/**
 * Whether an event's arguments fit the protocol's message limit, measured as before: the UTF-8
 * bytes of their JSON. Building that JSON for every signal cost the relay a copy of each
 * message, so a walk first adds up a bound on its size without building anything; only a
 * message whose bound passes the limit (a large session description) is built and measured.
 */
import { MAX_MESSAGE_BYTES } from '../src/lib/protocol.ts';

/** The most UTF-8 bytes JSON.stringify writes for one UTF-16 unit: a control character is \u00XX. */
const MAX_BYTES_PER_CHAR = 6;
/** The longest number JSON.stringify writes, like -2.2250738585072014e-308, and then some. */
const MAX_NUMBER_BYTES = 25;
/** Deeper values are measured exactly, so the walk never recurses further than JSON.stringify. */
const MAX_DEPTH = 32;

/**
 * At least as many bytes as JSON.stringify(value) takes in UTF-8, or Infinity once past
 * `budget` or for a value it does not bound (anything but plain JSON, like a Buffer).
 */
function jsonBytesAtMost(value: unknown, budget: number, depth: number): number {
	switch (typeof value) {
		case 'string':
			return 2 + MAX_BYTES_PER_CHAR * value.length;
		case 'number':
			return MAX_NUMBER_BYTES;
		case 'boolean':
			return 5;
		// "null" in an array; left out of an object.
		case 'undefined':
		case 'function':
		case 'symbol':
			return 4;
		case 'object': {
			if (value === null) return 4;
			if (depth >= MAX_DEPTH) return Infinity;
			const prototype: unknown = Object.getPrototypeOf(value);
			const isArray = Array.isArray(value);
			if (!isArray && prototype !== Object.prototype && prototype !== null) return Infinity;
			let total = 2;
			if (isArray) {
				for (const item of value as unknown[]) {
					total += 1 + jsonBytesAtMost(item, budget - total, depth + 1);
					if (total > budget) return Infinity;
				}
				return total;
			}
			for (const key in value) {
				if (!Object.hasOwn(value, key)) continue;
				total +=
					2 +
					MAX_BYTES_PER_CHAR * key.length +
					1 +
					jsonBytesAtMost((value as Record<string, unknown>)[key], budget - total, depth + 1) +
					1;
				if (total > budget) return Infinity;
			}
			return total;
		}
		default:
			return Infinity;
	}
}

/** Whether `Buffer.byteLength(JSON.stringify(args)) <= MAX_MESSAGE_BYTES`, usually without building it. */
export function fitsMessageLimit(args: unknown[]): boolean {
	if (jsonBytesAtMost(args, MAX_MESSAGE_BYTES, 0) <= MAX_MESSAGE_BYTES) return true;
	return Buffer.byteLength(JSON.stringify(args)) <= MAX_MESSAGE_BYTES;
}
