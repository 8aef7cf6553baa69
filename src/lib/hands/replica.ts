/**
 * This device's view of whose hand is up, and in what order, with no Svelte in it so it can
 * be tested against hostile peers. Each person announces only their own hand, to everyone, on
 * every change and to each newcomer when the channel opens, so a late joiner learns who has a
 * hand up. Raises carry Lamport times: a raise made after hearing of another raise is ordered
 * after it on every device, and raises made at the same time are ordered by peer id.
 *
 * Held to bounds at this receiver (see guard/bounds.ts): only people in the room have hands,
 * one each, and a Lamport time may step only so far past what this device has seen.
 */
import { isWithinJump } from '../guard/bounds';
import { compareHands, parseHandsWire, type HandsWire, type RaisedHand } from './wire';

export interface HandsTransport {
	selfId(): string | undefined;
	/** Whether a peer is in this room now; hands of anyone else are not kept. */
	isPresent(peerId: string): boolean;
	send(peerId: string, message: string): void;
	broadcast(message: string): void;
}

export interface HandsEvents {
	/** The raised hands changed. */
	onChange?: () => void;
	/** Someone else's hand went up (not ours). */
	onRaised?: (peerId: string) => void;
	/** A peer sent something no honest device sends. */
	onIgnored?: (peerId: string) => void;
}

export class HandsReplica {
	#hands = new Map<string, number>();
	#clock = 0;
	#transport: HandsTransport;
	#events: HandsEvents;

	constructor(transport: HandsTransport, events: HandsEvents = {}) {
		this.#transport = transport;
		this.#events = events;
	}

	/** Raised hands in the order raised, the same on every device. */
	get raised(): RaisedHand[] {
		return [...this.#hands].map(([peerId, lamport]) => ({ peerId, lamport })).sort(compareHands);
	}

	get clock(): number {
		return this.#clock;
	}

	isRaised(peerId: string): boolean {
		return this.#hands.has(peerId);
	}

	raise(): void {
		const selfId = this.#transport.selfId();
		if (!selfId || this.#hands.has(selfId)) return;
		this.#clock += 1;
		this.#hands.set(selfId, this.#clock);
		this.#transport.broadcast(this.#stateOf(selfId));
		this.#events.onChange?.();
	}

	lower(): void {
		const selfId = this.#transport.selfId();
		if (!selfId || !this.#hands.delete(selfId)) return;
		this.#transport.broadcast(this.#stateOf(selfId));
		this.#events.onChange?.();
	}

	/** A hands channel opened: the person at the other end learns whether our hand is up. */
	peerOpened(peerId: string): void {
		const selfId = this.#transport.selfId();
		if (selfId) this.#transport.send(peerId, this.#stateOf(selfId));
	}

	/** Someone left: their hand goes down with them. */
	forget(peerId: string): void {
		if (this.#hands.delete(peerId)) this.#events.onChange?.();
	}

	/** Everyone left, or we did: no hands. */
	clear(): void {
		if (this.#hands.size === 0) return;
		this.#hands.clear();
		this.#events.onChange?.();
	}

	receive(peerId: string, data: string): void {
		const wire = parseHandsWire(data);
		const isOwnId = peerId === this.#transport.selfId();
		if (!wire || isOwnId || !this.#transport.isPresent(peerId)) {
			this.#events.onIgnored?.(peerId);
			return;
		}
		if (wire.type === 'lowered') {
			this.forget(peerId);
			return;
		}
		if (!isWithinJump(this.#clock, wire.lamport)) {
			this.#events.onIgnored?.(peerId);
			return;
		}
		this.#clock = Math.max(this.#clock, wire.lamport);
		if (this.#hands.get(peerId) === wire.lamport) return;
		const wasRaised = this.#hands.has(peerId);
		this.#hands.set(peerId, wire.lamport);
		this.#events.onChange?.();
		if (!wasRaised) this.#events.onRaised?.(peerId);
	}

	#stateOf(peerId: string): string {
		const lamport = this.#hands.get(peerId);
		const wire: HandsWire = lamport ? { type: 'raised', lamport } : { type: 'lowered' };
		return JSON.stringify(wire);
	}
}
