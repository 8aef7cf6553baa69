/**
 * The call page's one voice for screen readers: joins, leaves, mute changes, raised hands and
 * chat messages nobody is looking at all go through one polite live region, so they queue up
 * rather than talk over each other from several regions.
 */
import { createContext, untrack } from 'svelte';

/** Enough for a burst (several people joining at once) without growing for a long call. */
const KEPT_ANNOUNCEMENTS = 5;

export interface Announcement {
	id: number;
	text: string;
}

export class Announcer {
	/** The latest announcements, oldest first; the region reads out each one added. */
	recent = $state.raw<Announcement[]>([]);
	#nextId = 1;

	announce(text: string): void {
		if (!text) return;
		const announcement = { id: this.#nextId++, text };
		// Announcing from an effect must not make that effect depend on what was said before.
		const before = untrack(() => this.recent);
		this.recent = [...before, announcement].slice(-KEPT_ANNOUNCEMENTS);
	}
}

export const [getAnnouncer, setAnnouncer] = createContext<Announcer>();
