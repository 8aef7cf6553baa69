/**
 * The room's chat, peer to peer over each connection's chat channel; the server never sees a
 * message. The replica (replica.ts) keeps the messages and the protocol; this class connects
 * it to the call and keeps what the panel shows: unread count, deliveries and notices.
 */
import { createContext } from 'svelte';
import { m } from '../paraglide/messages.js';
import type { Mesh } from '../call/mesh.svelte';
import { IgnoredSender } from '../guard/ignored.svelte';
import type { RoomSession } from '../room/session.svelte';
import { ChatReplica } from './replica';
import { MAX_MESSAGE_LENGTH, type ChatMessage, type ChatWire } from './wire';

export interface Delivery {
	/** People who have not confirmed the message yet. */
	waitingFor: string[];
	/** Names of people who left before it reached them. */
	failedFor: string[];
}

export class ChatLog {
	messages = $state.raw<ChatMessage[]>([]);
	deliveries = $state.raw<Record<string, Delivery>>({});
	unread = $state(0);
	/** Someone whose chat message was dropped, for a calm notice. */
	readonly ignored: IgnoredSender;
	#isOpen = $state(false);

	#session: RoomSession;
	#mesh: Mesh;
	#replica: ChatReplica;
	/** Everyone seen in the room, so a message can name who it never reached after they left. */
	#names = new Map<string, string>();
	/** Messages waiting for a peer's channel to open, by peer id. */
	#outbox = new Map<string, string[]>();
	#stop: (() => void)[];
	#receivedListeners = new Set<(message: ChatMessage) => void>();

	constructor(session: RoomSession, mesh: Mesh) {
		this.#session = session;
		this.#mesh = mesh;
		this.ignored = new IgnoredSender(session);
		this.#replica = new ChatReplica(
			{
				selfId: () => session.self?.id,
				nameOf: (peerId) => session.peers.find((peer) => peer.id === peerId)?.name,
				send: (peerId, message) => void mesh.send(peerId, 'chat', message)
			},
			{
				onMessages: () => (this.messages = this.#replica.messages),
				onReceived: (peerId) => {
					if (!this.#isOpen) this.unread += 1;
					const message = this.messages.findLast((message) => message.senderId === peerId);
					if (message) for (const listener of this.#receivedListeners) listener(message);
				},
				onAck: (peerId, id) => this.#acknowledged(peerId, id),
				onIgnored: (peerId) => this.ignored.note(peerId)
			}
		);
		this.#stop = [
			mesh.onMessage('chat', (peer, data) => this.#replica.receive(peer.id, data)),
			mesh.onChannelOpen('chat', (peer) => {
				// Whoever joined later asks the ones already there for the conversation so far.
				this.#replica.peerOpened(peer.id, peer.isInitiator);
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
		const message = this.#replica.compose(trimmed, self.name);
		if (!message) return false;
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

	/** Called with each new message someone sends, live (not from a history). */
	onReceived(listener: (message: ChatMessage) => void): () => void {
		this.#receivedListeners.add(listener);
		return () => this.#receivedListeners.delete(listener);
	}

	dispose(): void {
		this.#receivedListeners.clear();
		for (const stop of this.#stop) stop();
	}

	#acknowledged(peerId: string, id: string): void {
		const delivery = this.deliveries[id];
		if (!delivery) return;
		this.#setDelivery(id, {
			...delivery,
			waitingFor: delivery.waitingFor.filter((waiting) => waiting !== peerId)
		});
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
		for (const peerId of this.#names.keys()) {
			if (!present.has(peerId)) this.#replica.forget(peerId);
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
