/** Device-wide preferences, kept in IndexedDB on this device only. */
import { get, set } from 'idb-keyval';

const NAME_KEY = 'prefs:name';

export async function loadName(): Promise<string> {
	try {
		return (await get<string>(NAME_KEY)) ?? '';
	} catch {
		// Private windows and locked-down browsers may refuse IndexedDB; the app works without it.
		return '';
	}
}

export async function saveName(name: string): Promise<void> {
	try {
		await set(NAME_KEY, name.trim());
	} catch {
		// As above: remembering is a convenience, not a requirement.
	}
}
