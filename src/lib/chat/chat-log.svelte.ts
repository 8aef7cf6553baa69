/**
 * The room's chat, peer to peer over each connection's chat channel; the server never sees a
 * message. Every device orders messages by Lamport time, so skewed clocks still agree, and a
 * late joiner asks the people already there for the history, keeping each message once.
 */
import { createContext } from 'svelte';
import { m } from '../paraglide/messages.js';
import type { Mesh } from '../call/mesh.svelte';
import type { RoomSession } from '../room/session.svelte';
import {
	compareMessages,
	historyChunks,
	MAX_HISTORY,
	MAX_MESSAGE_LENGTH,
	parseChatWire,
	type ChatMessage,
	type ChatWire
} from './wire';

/** Kept on this device; the last MAX_HISTORY of them are offered to late joiners. */
const KEPT_MESSAGES = 2000;

export interface Delivery {
	/** People who have not confirmed the message yet. */
	waitingFor: string[];
	/** Names of people who left before it reached them. */
	failedFor: string[];
}

function newMessageId(): string {
	const bytes = crypto.getRandomValues(new Uint8Array(12));
	return btoa(String.fromCharCode(...bytes))
		.replaceAll('+', '-')
		.replaceAll('/', '_');
}

export class ChatLog {
	messages = $state.raw<ChatMessage[]>([]);
	deliveries = $state.raw<Record<string, Delivery>>({});
	unread = $state(0);
	#isOpen = $state(false);

	#session: RoomSession;
	#mesh: Mesh;
	#clock = 0;
	#ids = new Set<string>();
	/** Everyone seen in the room, so a message can name who it never reached after they left. */
	#names = new Map<string, string>();
	/** Messages waiting for a peer's channel to open, by peer id. */
	#outbox = new Map<string, string[]>();
	#stop: (() => void)[];

	constructor(session: RoomSession, mesh: Mesh) {
		this.#session = session;
		this.#mesh = mesh;
		this.#stop = [
			mesh.onMessage('chat', (peer, data) => this.#receive(peer.id, data)),
			mesh.onChannelOpen('chat', (peer) => {
				// Whoever joined later asks the ones already there for the conversation so far.
				if (peer.isInitiator) this.#sendTo(peer.id, { type: 'history-request' });
				for (const wire of this.#outbox.get(peer.id) ?? []) mesh.send(peer.id, 'chat', wire);
				this.#outbox.delete(peer.id);
			}),
			session.onPresence(() => this.#dropDeparted())
		];
	}

	get isOpen(): boolean {
		return this.#isOpen;
	}

	set isOpen(isOpen: boolean) {
		this.#isOpen = isOpen;
		if (isOpen) this.unread = 0;
	}

	/** Sends to everyone in the room now; returns false for text that cannot be sent. */
	send(text: string): boolean {
		const self = this.#session.self;
		const trimmed = text.trim();
		if (!self || !trimmed || trimmed.length > MAX_MESSAGE_LENGTH) return false;
		const message: ChatMessage = {
			id: newMessageId(),
			lamport: ++this.#clock,
			senderId: self.id,
			senderName: self.name,
			sentAt: Date.now(),
			text: trimmed
		};
		this.#add([message]);
		const recipients = this.#session.peers.map((peer) => peer.id);
		for (const peer of this.#session.peers) this.#names.set(peer.id, peer.name);
		this.#setDelivery(message.id, { waitingFor: recipients, failedFor: [] });
		const wire = JSON.stringify({ type: 'message', message } satisfies ChatWire);
		for (const peerId of recipients) {
			if (!this.#mesh.send(peerId, 'chat', wire)) {
				this.#outbox.set(peerId, [...(this.#outbox.get(peerId) ?? []), wire]);
			}
		}
		return true;
	}

	dispose(): void {
		for (const stop of this.#stop) stop();
	}

	#receive(peerId: string, data: string): void {
		const wire = parseChatWire(data);
		if (!wire) return;
		switch (wire.type) {
			case 'message': {
				const sender = this.#session.peers.find((peer) => peer.id === peerId);
				if (!sender) return;
				// Whoever sent it on this connection is its sender, whatever it claims.
				const message = { ...wire.message, senderId: peerId, senderName: sender.name };
				this.#add([message]);
				if (!this.#isOpen) this.unread += 1;
				this.#sendTo(peerId, { type: 'ack', id: message.id });
				break;
			}
			case 'ack': {
				const delivery = this.deliveries[wire.id];
				if (delivery) {
					this.#setDelivery(wire.id, {
						...delivery,
						waitingFor: delivery.waitingFor.filter((id) => id !== peerId)
					});
				}
				break;
			}
			case 'history-request':
				for (const messages of historyChunks(this.messages.slice(-MAX_HISTORY))) {
					this.#sendTo(peerId, { type: 'history', messages });
				}
				break;
			case 'history':
				// Several people answer the same request: #add keeps each message once.
				this.#add(wire.messages.filter((message) => message.senderId !== this.#session.self?.id));
				break;
		}
	}

	#add(incoming: ChatMessage[]): void {
		const fresh = incoming.filter((message) => !this.#ids.has(message.id));
		if (fresh.length === 0) return;
		for (const message of fresh) {
			this.#ids.add(message.id);
			this.#clock = Math.max(this.#clock, message.lamport);
		}
		const merged = [...this.messages, ...fresh].sort(compareMessages);
		this.messages = merged.length > KEPT_MESSAGES ? merged.slice(-KEPT_MESSAGES) : merged;
	}

	#sendTo(peerId: string, wire: ChatWire): void {
		this.#mesh.send(peerId, 'chat', JSON.stringify(wire));
	}

	#setDelivery(id: string, delivery: Delivery): void {
		this.deliveries = { ...this.deliveries, [id]: delivery };
	}

	/** Someone who left while a message was on its way to them never got it: say so. */
	#dropDeparted(): void {
		const present = new Set(this.#session.peers.map((peer) => peer.id));
		for (const peer of this.#session.peers) this.#names.set(peer.id, peer.name);
		for (const peerId of this.#outbox.keys()) {
			if (!present.has(peerId)) this.#outbox.delete(peerId);
		}
		let changed = false;
		const next: Record<string, Delivery> = {};
		for (const [id, delivery] of Object.entries(this.deliveries)) {
			const gone = delivery.waitingFor.filter((peerId) => !present.has(peerId));
			if (gone.length === 0) {
				next[id] = delivery;
				continue;
			}
			changed = true;
			next[id] = {
				waitingFor: delivery.waitingFor.filter((peerId) => present.has(peerId)),
				failedFor: [
					...delivery.failedFor,
					...gone.map((peerId) => this.#names.get(peerId) ?? m.someone())
				]
			};
		}
		if (changed) this.deliveries = next;
	}
}

export const [getChatLog, setChatLog] = createContext<ChatLog>();
