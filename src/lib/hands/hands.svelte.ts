/**
 * Raised hands in the call, peer to peer over each connection's hands channel; the server never
 * sees them. The replica (replica.ts) keeps the hands and the protocol; this class connects it
 * to the call and keeps what the tiles, the people list and the button show.
 */
import { createContext } from 'svelte';
import type { Mesh } from '../call/mesh.svelte';
import type { RoomSession } from '../room/session.svelte';
import { HandsReplica } from './replica';
import type { RaisedHand } from './wire';

export class Hands {
	/** Raised hands in the order raised, the same on every device. */
	raised = $state.raw<RaisedHand[]>([]);
	readonly isMineRaised = $derived(
		this.raised.some((hand) => hand.peerId === this.#session.self?.id)
	);

	#session: RoomSession;
	#replica: HandsReplica;
	#raisedListeners = new Set<(peerId: string) => void>();
	#stop: (() => void)[];

	constructor(session: RoomSession, mesh: Mesh) {
		this.#session = session;
		this.#replica = new HandsReplica(
			{
				selfId: () => session.self?.id,
				isPresent: (peerId) => session.peers.some((peer) => peer.id === peerId),
				send: (peerId, message) => void mesh.send(peerId, 'hands', message),
				broadcast: (message) => void mesh.broadcast('hands', message)
			},
			{
				onChange: () => (this.raised = this.#replica.raised),
				onRaised: (peerId) => {
					for (const listener of this.#raisedListeners) listener(peerId);
				}
			}
		);
		this.#stop = [
			mesh.onMessage('hands', (peer, data) => this.#replica.receive(peer.id, data)),
			mesh.onChannelOpen('hands', (peer) => this.#replica.peerOpened(peer.id)),
			session.onPresence(() => this.#dropDeparted())
		];
	}

	/** Where someone's hand is in the queue, from 1; undefined when it is down. */
	positionOf(peerId: string): number | undefined {
		const index = this.raised.findIndex((hand) => hand.peerId === peerId);
		return index === -1 ? undefined : index + 1;
	}

	raise(): void {
		this.#replica.raise();
	}

	lower(): void {
		this.#replica.lower();
	}

	/** Called with the peer id whenever someone else raises a hand. */
	onRaised(listener: (peerId: string) => void): () => void {
		this.#raisedListeners.add(listener);
		return () => this.#raisedListeners.delete(listener);
	}

	dispose(): void {
		for (const stop of this.#stop) stop();
	}

	#dropDeparted(): void {
		if (!this.#session.isInRoom) {
			this.#replica.clear();
			return;
		}
		const present = new Set(this.#session.peers.map((peer) => peer.id));
		for (const hand of this.#replica.raised) {
			if (hand.peerId !== this.#session.self?.id && !present.has(hand.peerId)) {
				this.#replica.forget(hand.peerId);
			}
		}
	}
}

export const [getHands, setHands] = createContext<Hands>();
