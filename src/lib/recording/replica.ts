/**
 * Who in the call is recording, as this device knows it, with no Svelte in it so it can be
 * tested against hostile peers. Each person announces only their own state, to everyone on
 * every change and to each newcomer when the channel opens, so a late joiner learns it too.
 */
import { parseRecordingWire, type RecordingWire } from './wire';

export interface RecordingTransport {
	selfId(): string | undefined;
	isPresent(peerId: string): boolean;
	send(peerId: string, message: string): void;
	broadcast(message: string): void;
}

export interface RecordingEvents {
	onChange?: () => void;
	/** Someone else started (true) or stopped (false) recording. */
	onChanged?: (peerId: string, isRecording: boolean) => void;
	onIgnored?: (peerId: string) => void;
}

export class RecordingReplica {
	#recording = new Set<string>();
	#isMine = false;
	#transport: RecordingTransport;
	#events: RecordingEvents;

	constructor(transport: RecordingTransport, events: RecordingEvents = {}) {
		this.#transport = transport;
		this.#events = events;
	}

	/** The others who are recording; our own state is `isMine`. */
	get recording(): ReadonlySet<string> {
		return this.#recording;
	}

	get isMine(): boolean {
		return this.#isMine;
	}

	setMine(isRecording: boolean): void {
		if (this.#isMine === isRecording) return;
		this.#isMine = isRecording;
		this.#transport.broadcast(this.#state());
		this.#events.onChange?.();
	}

	peerOpened(peerId: string): void {
		this.#transport.send(peerId, this.#state());
	}

	forget(peerId: string): void {
		if (this.#recording.delete(peerId)) this.#events.onChange?.();
	}

	receive(peerId: string, data: string): void {
		const wire = parseRecordingWire(data);
		if (!wire || peerId === this.#transport.selfId() || !this.#transport.isPresent(peerId)) {
			this.#events.onIgnored?.(peerId);
			return;
		}
		if (this.#recording.has(peerId) === wire.isRecording) return;
		if (wire.isRecording) this.#recording.add(peerId);
		else this.#recording.delete(peerId);
		this.#events.onChange?.();
		this.#events.onChanged?.(peerId, wire.isRecording);
	}

	#state(): string {
		const wire: RecordingWire = { isRecording: this.#isMine };
		return JSON.stringify(wire);
	}
}
