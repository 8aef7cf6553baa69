/**
 * This device's copy of the conversation and the protocol that keeps the copies alike, with
 * no Svelte in it so it can be tested against hostile peers. Every device orders messages by
 * Lamport time, so skewed clocks still agree; a late joiner asks the people already there for
 * the history and keeps each message once.
 *
 * Every peer is held to bounds at this receiver (see guard/bounds.ts): a Lamport time may step
 * only so far past what this device has seen, a sender's clock is believed only near ours, a
 * history request is answered once per connection and a history taken only from someone we
 * asked, and what anyone can make this device keep is capped.
 */
import { isWithinJump, shownTime } from '../guard/bounds';
import {
	compareMessages,
	historyChunks,
	MAX_HISTORY,
	parseChatWire,
	type ChatMessage,
	type ChatWire
} from './wire';

/** Kept on this device; the last MAX_HISTORY of them are offered to late joiners. */
export const KEPT_MESSAGES = 2000;

export interface ChatTransport {
	selfId(): string | undefined;
	/** The name the server gave a peer in this room; undefined for someone not here. */
	nameOf(peerId: string): string | undefined;
	send(peerId: string, message: string): void;
}

export interface ChatEvents {
	/** The list of messages changed. */
	onMessages?: () => void;
	/** A new message arrived from someone, live (not from a history). */
	onReceived?: (peerId: string) => void;
	onAck?: (peerId: string, messageId: string) => void;
	/** A peer sent something no honest device sends: the person may be told. */
	onIgnored?: (peerId: string) => void;
}

export class ChatReplica {
	messages: ChatMessage[] = [];
	#clock = 0;
	#ids = new Set<string>();
	#transport: ChatTransport;
	#events: ChatEvents;
	#now: () => number;
	/** Peers asked for the history on this connection: only their histories are taken. */
	#asked = new Set<string>();
	/** Peers whose history request this connection has answered. */
	#answered = new Set<string>();

	constructor(transport: ChatTransport, events: ChatEvents = {}, now: () => number = Date.now) {
		this.#transport = transport;
		this.#events = events;
		this.#now = now;
	}

	/** The latest Lamport time seen; this device's next message takes the one after. */
	get clock(): number {
		return this.#clock;
	}

	/** How many message ids this device remembers, for tests of what a flood can cost. */
	get knownIds(): number {
		return this.#ids.size;
	}

	/** A chat channel opened; whoever joined later asks the one already there for the history. */
	peerOpened(peerId: string, shouldAsk: boolean): void {
		this.#answered.delete(peerId);
		if (!shouldAsk) return;
		this.#asked.add(peerId);
		this.#send(peerId, { type: 'history-request' });
	}

	/** Someone left: nothing of theirs is awaited or owed any more. */
	forget(peerId: string): void {
		this.#asked.delete(peerId);
		this.#answered.delete(peerId);
	}

	/** A message of our own, added here; undefined when we are not in the room. */
	compose(text: string, senderName: string): ChatMessage | undefined {
		const senderId = this.#transport.selfId();
		if (!senderId) return undefined;
		const message: ChatMessage = {
			id: newMessageId(),
			lamport: this.#clock + 1,
			senderId,
			senderName,
			sentAt: this.#now(),
			text
		};
		this.#add([message]);
		return message;
	}

	receive(peerId: string, data: string): void {
		const wire = parseChatWire(data);
		if (!wire) return this.#events.onIgnored?.(peerId);
		switch (wire.type) {
			case 'message': {
				const name = this.#transport.nameOf(peerId);
				if (name === undefined) return;
				if (!isWithinJump(this.#clock, wire.message.lamport)) {
					return this.#events.onIgnored?.(peerId);
				}
				// Whoever sent it on this connection is its sender, whatever it claims.
				const message = {
					...wire.message,
					senderId: peerId,
					senderName: name,
					sentAt: shownTime(wire.message.sentAt, this.#now())
				};
				if (this.#add([message])) this.#events.onReceived?.(peerId);
				this.#send(peerId, { type: 'ack', id: message.id });
				break;
			}
			case 'ack':
				this.#events.onAck?.(peerId, wire.id);
				break;
			case 'history-request':
				if (this.#answered.has(peerId)) return;
				this.#answered.add(peerId);
				for (const messages of historyChunks(this.messages.slice(-MAX_HISTORY))) {
					this.#send(peerId, { type: 'history', messages });
				}
				break;
			case 'history': {
				if (!this.#asked.has(peerId)) return;
				const clock = this.#clock;
				if (!wire.messages.every((message) => isWithinJump(clock, message.lamport))) {
					return this.#events.onIgnored?.(peerId);
				}
				const selfId = this.#transport.selfId();
				const now = this.#now();
				// Several people answer the same request: #add keeps each message once.
				this.#add(
					wire.messages
						.filter((message) => message.senderId !== selfId)
						.map((message) => ({
							...message,
							senderName: this.#transport.nameOf(message.senderId) ?? message.senderName,
							sentAt: shownTime(message.sentAt, now)
						}))
				);
				break;
			}
		}
	}

	/** Adds what is new; true when anything was. */
	#add(incoming: ChatMessage[]): boolean {
		const fresh: ChatMessage[] = [];
		for (const message of incoming) {
			if (this.#ids.has(message.id)) continue;
			this.#ids.add(message.id);
			fresh.push(message);
			this.#clock = Math.max(this.#clock, message.lamport);
		}
		if (fresh.length === 0) return false;
		const merged = [...this.messages, ...fresh].sort(compareMessages);
		if (merged.length > KEPT_MESSAGES) {
			this.messages = merged.slice(-KEPT_MESSAGES);
			// Only ids of kept messages are remembered, so a flood costs nothing past the cap; a
			// forgotten message that comes again sorts before the kept ones and is cut again.
			this.#ids = new Set(this.messages.map((message) => message.id));
		} else {
			this.messages = merged;
		}
		this.#events.onMessages?.();
		return fresh.some((message) => this.#ids.has(message.id));
	}

	#send(peerId: string, wire: ChatWire): void {
		this.#transport.send(peerId, JSON.stringify(wire));
	}
}

function newMessageId(): string {
	const bytes = crypto.getRandomValues(new Uint8Array(12));
	return btoa(String.fromCharCode(...bytes))
		.replaceAll('+', '-')
		.replaceAll('/', '_');
}
