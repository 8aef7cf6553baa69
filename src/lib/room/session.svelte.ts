/**
 * One person's membership of one room: joining, presence, reconnecting with the same seat,
 * leaving. The room page creates it and hands it to components through context.
 */
import { createContext } from 'svelte';
import type {
	IceServer,
	IceTransportPolicy,
	JoinAnswer,
	Media,
	PeerInfo,
	ProtocolError,
	RelayedSignal,
	RoomInfo
} from '../protocol';
import { getSocket, request, type DropcallSocket } from '../socket';

export type SessionStatus =
	'idle' | 'joining' | 'joined' | 'reconnecting' | 'left' | 'ended' | 'stopping';

export class RoomSession {
	readonly roomId: string;
	status = $state<SessionStatus>('idle');
	room = $state<RoomInfo>();
	self = $state<PeerInfo>();
	peers = $state<PeerInfo[]>([]);
	iceServers = $state<IceServer[]>([]);
	iceTransportPolicy = $state<IceTransportPolicy>('all');
	error = $state<ProtocolError>();
	/** The latest join (or resume) answer, for features that start from what it carries. */
	answer = $state.raw<JoinAnswer>();

	/** Everyone in the room, you first. */
	readonly people = $derived(this.self ? [this.self, ...this.peers] : this.peers);
	readonly isInRoom = $derived(this.status === 'joined' || this.status === 'reconnecting');

	#socket: DropcallSocket;
	#resumeToken: string | undefined;
	#name = '';
	#media: Media = { audio: false, video: false };
	#signalListeners = new Set<(signal: RelayedSignal) => void>();
	#presenceListeners = new Set<() => void>();
	#answerListeners = new Set<(answer: JoinAnswer | undefined) => void>();
	#unsubscribe: () => void;

	constructor(roomId: string, socket: DropcallSocket = getSocket()) {
		this.roomId = roomId;
		this.#socket = socket;
		const handlers = {
			'peer:joined': (peer: PeerInfo) => {
				this.#setPeers([...this.peers.filter((other) => other.id !== peer.id), peer]);
			},
			'peer:updated': (peer: PeerInfo) => {
				this.#setPeers(this.peers.map((other) => (other.id === peer.id ? peer : other)));
			},
			'peer:left': ({ id }: { id: string }) => {
				this.#setPeers(this.peers.filter((other) => other.id !== id));
			},
			signal: (signal: RelayedSignal) => {
				for (const listener of this.#signalListeners) listener(signal);
			},
			'server:stopping': () => {
				if (this.isInRoom) this.status = 'stopping';
			},
			disconnect: () => {
				if (this.status === 'joined') this.status = 'reconnecting';
			},
			connect: () => {
				if (this.status === 'reconnecting' || this.status === 'stopping') void this.#resume();
			}
		} as const;
		for (const [event, handler] of Object.entries(handlers)) {
			socket.on(event as 'connect', handler as () => void);
		}
		this.#unsubscribe = () => {
			for (const [event, handler] of Object.entries(handlers)) {
				socket.off(event as 'connect', handler as () => void);
			}
		};
	}

	/** Reads the room's size and device rule before joining. */
	async peek(): Promise<void> {
		const answer = await request('room:peek', { roomId: this.roomId });
		if (answer.ok) {
			this.room = answer.room;
			this.error = undefined;
		} else {
			this.error = answer.error;
			if (answer.error.code === 'room-not-found') this.status = 'ended';
		}
	}

	async join(name: string, media: Media): Promise<boolean> {
		this.#name = name;
		this.#media = media;
		this.status = 'joining';
		return this.#sendJoin();
	}

	async #resume(): Promise<void> {
		const isJoined = await this.#sendJoin();
		if (!isJoined) {
			this.status = this.error?.code === 'room-not-found' ? 'ended' : 'left';
			this.#setPeers([]);
			this.#announceAnswer(undefined);
		}
	}

	async #sendJoin(): Promise<boolean> {
		const answer = await request('room:join', {
			roomId: this.roomId,
			name: this.#name,
			media: this.#media,
			...(this.#resumeToken ? { resumeToken: this.#resumeToken } : {})
		});
		if (!answer.ok) {
			this.error = answer.error;
			this.room = answer.error.room ?? this.room;
			if (this.status === 'joining') this.status = 'idle';
			return false;
		}
		this.error = undefined;
		this.answer = answer;
		this.#announceAnswer(answer);
		this.self = answer.self;
		this.room = answer.room;
		this.iceServers = answer.iceServers;
		this.iceTransportPolicy = answer.iceTransportPolicy;
		this.#resumeToken = answer.resumeToken;
		this.status = 'joined';
		this.#setPeers(answer.peers);
		return true;
	}

	async setMedia(media: Media): Promise<void> {
		if (JSON.stringify(media) === JSON.stringify(this.#media)) return;
		this.#media = media;
		if (this.self) this.self = { ...this.self, media };
		if (this.status === 'joined') await request('peer:media', { media });
	}

	onSignal(listener: (signal: RelayedSignal) => void): () => void {
		this.#signalListeners.add(listener);
		return () => this.#signalListeners.delete(listener);
	}

	/**
	 * Called at once whenever the people in the room change. The call connects to a newcomer
	 * from here rather than from an effect, which would wait for the page to re-render first.
	 */
	onPresence(listener: () => void): () => void {
		this.#presenceListeners.add(listener);
		return () => this.#presenceListeners.delete(listener);
	}

	/**
	 * Called with every join answer as it arrives, and with undefined once the page is out of
	 * the room for good. The file routes' credential follows it without waiting for a render.
	 */
	onAnswer(listener: (answer: JoinAnswer | undefined) => void): () => void {
		this.#answerListeners.add(listener);
		return () => this.#answerListeners.delete(listener);
	}

	#announceAnswer(answer: JoinAnswer | undefined): void {
		for (const listener of this.#answerListeners) listener(answer);
	}

	#setPeers(peers: PeerInfo[]): void {
		this.peers = peers;
		for (const listener of this.#presenceListeners) listener();
	}

	async leave(): Promise<void> {
		if (!this.isInRoom) return;
		this.status = 'left';
		this.#setPeers([]);
		this.#resumeToken = undefined;
		this.#announceAnswer(undefined);
		await request('room:leave');
	}

	/** Leaves (if still in the room) and stops listening; the page calls it when it goes away. */
	dispose(): void {
		if (this.isInRoom) this.#socket.emit('room:leave', () => {});
		this.#unsubscribe();
		this.#signalListeners.clear();
		this.#presenceListeners.clear();
		this.#answerListeners.clear();
	}
}

export const [getRoomSession, setRoomSession] = createContext<RoomSession>();
