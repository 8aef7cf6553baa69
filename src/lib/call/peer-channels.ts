/**
 * One connection's data channels (chat, board, game), and the first gate every message from
 * that person passes: text only, of a size no honest device sends, and a listener's failure on
 * one message stays with that message rather than breaking the channel for the ones after it.
 */
import { DATA_CHANNELS, type DataChannelName } from './data-channels';

/** Every feature's wire stays under 64 KiB; Chromium would deliver up to 256 KiB. */
export const MAX_DATA_CHANNEL_MESSAGE_BYTES = 64 * 1024;

export interface ChannelListeners {
	onOpen?: (channel: DataChannelName) => void;
	onMessage?: (channel: DataChannelName, data: string) => void;
}

export class PeerChannels {
	#channels = new Map<DataChannelName, RTCDataChannel>();
	#listeners: ChannelListeners = {};
	#label = '';

	/**
	 * Who hears the channels open and their messages. A connection made before it knows whom it
	 * calls (prepared-connection.ts) opens its channels first and is told later; nothing can
	 * arrive before then, as nobody is connected yet.
	 */
	listen(listeners: ChannelListeners, label: string): void {
		this.#listeners = listeners;
		this.#label = label;
	}

	get isOpened(): boolean {
		return this.#channels.size > 0;
	}

	/**
	 * Negotiated channels with fixed ids: both sides open them without announcing them, so
	 * there is no race over who creates which.
	 */
	open(pc: RTCPeerConnection): void {
		if (this.isOpened) return;
		for (const { name, id } of DATA_CHANNELS) {
			const channel = pc.createDataChannel(name, { negotiated: true, id, ordered: true });
			channel.onopen = () => this.#listeners.onOpen?.(name);
			channel.onmessage = ({ data }) => this.#deliver(name, data);
			this.#channels.set(name, channel);
		}
	}

	/** Sends on an open channel; false when it is not open (yet, or any more). */
	send(channel: DataChannelName, message: string): boolean {
		const dataChannel = this.#channels.get(channel);
		if (dataChannel?.readyState !== 'open') return false;
		try {
			dataChannel.send(message);
			return true;
		} catch {
			return false;
		}
	}

	close(): void {
		for (const channel of this.#channels.values()) channel.close();
	}

	#deliver(name: DataChannelName, data: unknown): void {
		if (typeof data !== 'string' || data.length > MAX_DATA_CHANNEL_MESSAGE_BYTES) return;
		try {
			this.#listeners.onMessage?.(name, data);
		} catch (error) {
			console.warn(`Peer ${this.#label}: a ${name} message could not be handled`, error);
		}
	}
}
