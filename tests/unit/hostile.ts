/**
 * Generators of hostile data-channel payloads for the property tests: garbage, and valid
 * messages with one field broken, missing or added. Callers keep only what the wire's parser
 * rejects, so every generated payload is known to be malformed.
 */
import fc from 'fast-check';

/** Enough runs per message type that rare shapes turn up; the brief asks for at least 1,000. */
export const RUNS = 1000;

const hostileValues: fc.Arbitrary<unknown> = fc.oneof(
	fc.anything(),
	fc.constantFrom(
		Number.MAX_SAFE_INTEGER,
		Number.MAX_SAFE_INTEGER + 2,
		Number.MAX_VALUE,
		-1,
		1.5,
		8.64e15 + 1,
		1e300,
		'',
		'x'.repeat(100_000),
		null,
		[],
		{},
		'__proto__'
	)
);

function replaceAt(value: unknown, path: string[], next: unknown): unknown {
	if (path.length === 0) return next;
	if (typeof value !== 'object' || value === null) return value;
	const [key, ...rest] = path as [string, ...string[]];
	const copy: Record<string, unknown> = Array.isArray(value)
		? ([...value] as unknown as Record<string, unknown>)
		: { ...(value as Record<string, unknown>) };
	if (rest.length === 0 && next === undefined) delete copy[key];
	else copy[key] = replaceAt(copy[key], rest, next);
	return copy;
}

function paths(value: unknown, prefix: string[] = []): string[][] {
	if (typeof value !== 'object' || value === null) return [prefix];
	const inner = Object.entries(value).flatMap(([key, child]) => paths(child, [...prefix, key]));
	return [prefix, ...inner];
}

/** One valid message, mutated: a field replaced, removed or added; or plain garbage. */
export function mutationsOf(template: object): fc.Arbitrary<string> {
	const all = paths(template).filter((path) => path.length > 0);
	const mutated = fc.oneof(
		fc
			.record({ path: fc.constantFrom(...all), value: hostileValues })
			.map(({ path, value }) => JSON.stringify(replaceAt(template, path, value))),
		fc.constantFrom(...all).map((path) => JSON.stringify(replaceAt(template, path, undefined))),
		fc
			.record({ key: fc.string({ minLength: 1, maxLength: 8 }), value: hostileValues })
			.map(({ key, value }) => JSON.stringify({ ...template, [key]: value }))
	);
	return fc.oneof(
		{ weight: 8, arbitrary: mutated },
		{ weight: 1, arbitrary: fc.string() },
		{ weight: 1, arbitrary: fc.jsonValue().map((value) => JSON.stringify(value)) }
	);
}

/** Counts what each test fed in, printed per message type at the end. */
export class Tally {
	#counts = new Map<string, number>();
	#label: string;

	constructor(label: string) {
		this.#label = label;
	}

	count(type: string): void {
		this.#counts.set(type, (this.#counts.get(type) ?? 0) + 1);
	}

	print(): void {
		const lines = [...this.#counts].map(([type, count]) => `  ${type}: ${count}`);
		console.log(`${this.#label} hostile payloads per type:\n${lines.join('\n')}`);
	}
}
