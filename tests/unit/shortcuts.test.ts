import { describe, expect, it } from 'vitest';
import { shortcutFor, type KeyPress } from '../../src/lib/a11y/shortcuts';

/** Just what the rules read of an element. */
function element(tagName: string, more: object = {}): EventTarget {
	return { tagName, ...more } as unknown as EventTarget;
}

function press(key: string, options: Partial<KeyPress> = {}): KeyPress {
	return {
		key,
		ctrlKey: false,
		metaKey: false,
		altKey: false,
		shiftKey: false,
		target: element('BODY'),
		...options
	};
}

describe('call shortcuts', () => {
	it('maps Ctrl+D to the microphone and Ctrl+E to the camera, ⌘ too', () => {
		expect(shortcutFor(press('d', { ctrlKey: true }))).toBe('microphone');
		expect(shortcutFor(press('e', { ctrlKey: true }))).toBe('camera');
		expect(shortcutFor(press('D', { metaKey: true }))).toBe('microphone');
		expect(shortcutFor(press('?', { shiftKey: true }))).toBe('help');
	});

	it('leaves other combinations to the browser', () => {
		expect(shortcutFor(press('d'))).toBeUndefined();
		expect(shortcutFor(press('d', { ctrlKey: true, shiftKey: true }))).toBeUndefined();
		expect(shortcutFor(press('d', { ctrlKey: true, altKey: true }))).toBeUndefined();
		expect(shortcutFor(press('d', { ctrlKey: true, metaKey: true }))).toBeUndefined();
		expect(shortcutFor(press('t', { ctrlKey: true }))).toBeUndefined();
		expect(shortcutFor(press('d', { ctrlKey: true, defaultPrevented: true }))).toBeUndefined();
		expect(shortcutFor(press('d', { ctrlKey: true, isComposing: true }))).toBeUndefined();
	});

	it('lets ? be a question mark in a text field, but mutes from one', () => {
		const textarea = element('TEXTAREA');
		const input = element('INPUT', { type: 'text' });
		const search = element('INPUT', { type: 'search' });
		const checkbox = element('INPUT', { type: 'checkbox' });
		const inside = element('SPAN', { isContentEditable: true });
		for (const target of [textarea, input, search, inside]) {
			expect(shortcutFor(press('?', { target }))).toBeUndefined();
			expect(shortcutFor(press('d', { ctrlKey: true, target }))).toBe('microphone');
		}
		expect(shortcutFor(press('?', { target: checkbox }))).toBe('help');
	});
});
