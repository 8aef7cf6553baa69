/**
 * Who last sent a message this device dropped (malformed, or beyond what a peer may do), so a
 * panel can say so calmly. One name at a time: a hostile peer sending thousands of messages
 * makes one notice, not thousands.
 */
import type { RoomSession } from '../room/session.svelte';

export class IgnoredSender {
	/** The name the server gave that person; never the name their message claims. */
	name = $state<string>();
	#session: RoomSession;

	constructor(session: RoomSession) {
		this.#session = session;
	}

	note(peerId: string): void {
		const name = this.#session.peers.find((peer) => peer.id === peerId)?.name;
		if (name !== undefined && name !== this.name) this.name = name;
	}

	dismiss(): void {
		this.name = undefined;
	}
}
