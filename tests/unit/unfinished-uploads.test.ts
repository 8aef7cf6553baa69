import { beforeEach, describe, expect, it } from 'vitest';
import {
	forgetAllUnfinished,
	forgetUnfinished,
	isSameFile,
	readUnfinished,
	rememberUnfinished
} from '../../src/lib/files/unfinished';

/** sessionStorage as a tab has it: Node has none. */
class TabStorage {
	#items = new Map<string, string>();
	getItem = (key: string) => this.#items.get(key) ?? null;
	setItem = (key: string, value: string) => void this.#items.set(key, String(value));
	removeItem = (key: string) => void this.#items.delete(key);
}

const id = (letter: string) => letter.repeat(22);
const file = (name: string, bytes: number, lastModified = 1_700_000_000_000) =>
	new File([new Uint8Array(bytes)], name, { type: 'application/octet-stream', lastModified });

/**
 * The salt, fingerprint and record size of the upload's sealing, kept so a resume seals the
 * same bytes.
 */
const sealing = {
	salt: 'c2FsdHNhbHRzYWx0c2FsdA',
	fingerprint: 'sealed:10:1700000000000:big.bin:x',
	recordBytes: 1024 * 1024
};

beforeEach(() => {
	Object.assign(globalThis, { sessionStorage: new TabStorage() });
});

describe('uploads a reload cut off', () => {
	it('are remembered per tab until they finish or are given up', () => {
		rememberUnfinished(id('a'), file('big.bin', 10), sealing);
		rememberUnfinished(id('b'), file('other.bin', 20), sealing);
		rememberUnfinished(id('a'), file('big.bin', 10), sealing);
		expect(readUnfinished().map((upload) => [upload.id, upload.name, upload.size])).toEqual([
			[id('b'), 'other.bin', 20],
			[id('a'), 'big.bin', 10]
		]);
		forgetUnfinished(id('b'));
		expect(readUnfinished().map((upload) => upload.id)).toEqual([id('a')]);
		forgetAllUnfinished();
		expect(readUnfinished()).toEqual([]);
	});

	it('continue only with the very file: same name, size and date', () => {
		rememberUnfinished(id('a'), file('big.bin', 10), sealing);
		const [upload] = readUnfinished();
		expect(isSameFile(file('big.bin', 10), upload!)).toBe(true);
		expect(isSameFile(file('big.bin', 11), upload!)).toBe(false);
		expect(isSameFile(file('big.bin', 10, 1), upload!)).toBe(false);
		expect(isSameFile(file('Big.bin', 10), upload!)).toBe(false);
	});

	it('keep the record size they were sealed with, 64 KiB for those kept before it was', () => {
		rememberUnfinished(id('a'), file('big.bin', 10), sealing);
		expect(readUnfinished()[0]?.recordBytes).toBe(1024 * 1024);
		const { recordBytes: _, ...older } = { id: id('b'), ...sealing, name: 'b', size: 1, type: '' };
		sessionStorage.setItem(
			'dropcall:unfinished-uploads',
			JSON.stringify([{ ...older, lastModified: 1 }])
		);
		expect(readUnfinished()[0]?.recordBytes).toBe(64 * 1024);
	});

	it('ignore what another script left under their key', () => {
		sessionStorage.setItem('dropcall:unfinished-uploads', '[{"id":"../../etc"}]');
		expect(readUnfinished()).toEqual([]);
		sessionStorage.setItem('dropcall:unfinished-uploads', 'not json');
		expect(readUnfinished()).toEqual([]);
	});
});
