/**
 * The call's keyboard shortcuts, as Google Meet has them: Ctrl+D for the microphone, Ctrl+E for
 * the camera (⌘ on a Mac), and ? for the list of shortcuts. Pure, so the rules about when a key
 * is ours and when it belongs to the browser or a text field are tested without a page.
 */
export type ShortcutAction = 'microphone' | 'camera' | 'help';

export interface KeyPress {
	key: string;
	ctrlKey: boolean;
	metaKey: boolean;
	altKey: boolean;
	shiftKey: boolean;
	/** Already handled (a dialog, a menu, an IME composing a Korean syllable). */
	defaultPrevented?: boolean;
	isComposing?: boolean;
	target: EventTarget | null;
}

/** The keys as the help dialog shows them. */
export const SHORTCUT_KEYS: Record<ShortcutAction, string> = {
	microphone: 'Ctrl + D',
	camera: 'Ctrl + E',
	help: '?'
};

/** Input types that take no typing: a key pressed on them is free for a shortcut. */
const KEYLESS_INPUTS = ['button', 'checkbox', 'radio', 'range', 'color', 'file', 'submit', 'reset'];

/** Read off the element by duck typing, so the rules run (and are tested) without a DOM. */
interface MaybeTypable {
	tagName?: unknown;
	type?: unknown;
	isContentEditable?: unknown;
}

/** Where typing goes: a key there is text, not a command. */
export function isTextEntry(target: EventTarget | null): boolean {
	const element = target as MaybeTypable | null;
	if (!element || typeof element.tagName !== 'string') return false;
	if (element.isContentEditable === true) return true;
	const tag = element.tagName.toUpperCase();
	if (tag === 'TEXTAREA' || tag === 'SELECT') return true;
	if (tag !== 'INPUT') return false;
	return !KEYLESS_INPUTS.includes(typeof element.type === 'string' ? element.type : 'text');
}

/**
 * The action a key press asks for, or undefined when it is not ours to take. Ctrl+D and Ctrl+E
 * type nothing, so they work in the chat box too (muting mid-sentence is the point); ? is text
 * there. The browser's own Ctrl+D (bookmark) and Ctrl+E (search) give way only when we act.
 */
export function shortcutFor(press: KeyPress): ShortcutAction | undefined {
	if (press.defaultPrevented || press.isComposing || press.altKey) return undefined;
	const key = press.key.toLowerCase();
	const hasCommand = press.ctrlKey !== press.metaKey; // one of them, not both
	if (hasCommand && !press.shiftKey) {
		if (key === 'd') return 'microphone';
		if (key === 'e') return 'camera';
		return undefined;
	}
	if (press.key === '?' && !press.ctrlKey && !press.metaKey && !isTextEntry(press.target)) {
		return 'help';
	}
	return undefined;
}
