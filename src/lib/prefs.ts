/**
 * Device-wide preferences, kept in IndexedDB on this device only: nothing here ever goes to
 * the server. Private windows and locked-down browsers may refuse IndexedDB; the app then
 * works without remembering, so every read falls back and every write is best effort.
 */
import { clear, get, set, update } from 'idb-keyval';

export interface MediaPrefs {
	camera: boolean;
	microphone: boolean;
	cameraId: string;
	microphoneId: string;
	speakerId: string;
}

export interface RecentRoom {
	roomId: string;
	/** The invite link's fragment: reopening a room from here still opens its files. */
	secret?: string;
	visitedAt: number;
}

const KEYS = { name: 'prefs:name', media: 'prefs:media', recent: 'prefs:recent-rooms' } as const;
export const MAX_RECENT_ROOMS = 10;

const defaultMedia: MediaPrefs = {
	camera: true,
	microphone: true,
	cameraId: '',
	microphoneId: '',
	speakerId: ''
};

async function read<T>(key: string, fallback: T): Promise<T> {
	try {
		return (await get<T>(key)) ?? fallback;
	} catch {
		return fallback;
	}
}

async function write(action: () => Promise<void>): Promise<void> {
	try {
		await action();
	} catch {
		// Remembering is a convenience, not a requirement.
	}
}

export const loadName = () => read(KEYS.name, '');
export const saveName = (name: string) => write(() => set(KEYS.name, name.trim()));

export async function loadMediaPrefs(): Promise<MediaPrefs> {
	return { ...defaultMedia, ...(await read<Partial<MediaPrefs>>(KEYS.media, {})) };
}

export const saveMediaPrefs = (changes: Partial<MediaPrefs>) =>
	write(() => update<MediaPrefs>(KEYS.media, (old) => ({ ...defaultMedia, ...old, ...changes })));

export const loadRecentRooms = () => read<RecentRoom[]>(KEYS.recent, []);

export const rememberRoom = (roomId: string, secret: string | undefined) =>
	write(() =>
		update<RecentRoom[]>(KEYS.recent, (rooms = []) => {
			// A visit without the secret keeps the one remembered from an earlier visit.
			const kept = secret ?? rooms.find((room) => room.roomId === roomId)?.secret;
			return [
				{ roomId, ...(kept ? { secret: kept } : {}), visitedAt: Date.now() },
				...rooms.filter((room) => room.roomId !== roomId)
			].slice(0, MAX_RECENT_ROOMS);
		})
	);

export const forgetRoom = (roomId: string) =>
	write(() =>
		update<RecentRoom[]>(KEYS.recent, (rooms = []) =>
			rooms.filter((room) => room.roomId !== roomId)
		)
	);

/** Forgets everything this device remembers for Dropcall. */
export async function clearAllData(): Promise<void> {
	await write(() => clear());
	try {
		localStorage.clear();
		sessionStorage.clear();
	} catch {
		// Storage may be disabled; there is then nothing in it to clear.
	}
}
