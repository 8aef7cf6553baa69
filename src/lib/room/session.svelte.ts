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
import {
	CLAIM_WAIT_MS,
	claimSeat,
	forgetSeat,
	readSavedSeat,
	saveSeat,
	type SavedSeat
} from './saved-seat';

/**
 * How long the ICE servers of a peek may be used for a connection made before the join answer:
 * half the shortest TURN credential lifetime the server allows (TURN_TTL_SECONDS ≥ 60), so such
 * a connection starts with at least half its credential's life left, whatever the setting.
 */
export const PEEKED_ICE_MAX_AGE_MS = 30_000;

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
	/** Lets go of this tab's claim on its seat (see saved-seat.ts). */
	#releaseSeat: (() => void) | undefined;
	#claimedPeerId: string | undefined;
	#peekedIce:
		{ iceServers: IceServer[]; iceTransportPolicy: IceTransportPolicy; atMs: number } | undefined;

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
			// The room as it is while this page waits to join (see server/seat-watch.ts).
			'room:seats': ({ roomId, room }: { roomId: string; room: RoomInfo }) => {
				if (roomId === this.roomId && !this.isInRoom) this.room = room;
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
		// A reload closes the connection as a closed tab does; saying so first keeps the seat for
		// the reload grace (RELOAD_GRACE_SECONDS) instead of freeing it at once. A phone's browser
		// freezes a background tab before it may discard it, killing the connection: said then
		// too, so the tab restored (and reloaded) later still finds its seat.
		const onPageHide = () => {
			if (this.isInRoom) socket.emit('room:away');
		};
		addEventListener('pagehide', onPageHide);
		document.addEventListener('freeze', onPageHide);
		this.#unsubscribe = () => {
			removeEventListener('pagehide', onPageHide);
			document.removeEventListener('freeze', onPageHide);
			for (const [event, handler] of Object.entries(handlers)) {
				socket.off(event as 'connect', handler as () => void);
			}
		};
	}

	/** The seat this tab held before it was reloaded, if it may still be this tab's. */
	savedSeat(): SavedSeat | undefined {
		return readSavedSeat(this.roomId);
	}

	/**
	 * Takes back the seat this tab held before a reload, as the same person, sending what
	 * `openDevices` opened (only once the seat is this tab's: a duplicate tab must not light the
	 * camera). False when another tab holds the seat (this one is a duplicate) or the server has
	 * freed it (too late): the page then offers Join as for anyone new.
	 */
	async resumeSaved(saved: SavedSeat, openDevices: () => Promise<Media>): Promise<boolean> {
		const release = await claimSeat(saved.peerId, CLAIM_WAIT_MS);
		if (!release) {
			forgetSeat();
			return false;
		}
		this.#releaseSeat = release;
		this.#claimedPeerId = saved.peerId;
		this.#name = saved.name;
		this.#resumeToken = saved.resumeToken;
		this.#media = await openDevices();
		this.status = 'joining';
		if (!(await this.#sendJoin())) {
			this.#forgetSeat();
			if (this.error?.code === 'room-not-found') this.status = 'ended';
			return false;
		}
		if (this.answer?.resumed) return true;
		// Too late: the server gave a new seat. A page coming back hours later must not walk into
		// a call with the camera on, so it leaves and asks, as anyone new is asked.
		await this.leave();
		this.status = 'idle';
		return false;
	}

	/** Reads the room's size and device rule before joining. */
	async peek(): Promise<void> {
		const answer = await request('room:peek', { roomId: this.roomId });
		if (answer.ok) {
			this.room = answer.room;
			this.error = undefined;
			const { iceServers, iceTransportPolicy } = answer;
			this.#peekedIce =
				iceServers && iceTransportPolicy
					? { iceServers, iceTransportPolicy, atMs: Date.now() }
					: undefined;
		} else {
			this.error = answer.error;
			if (answer.error.code === 'room-not-found') this.status = 'ended';
		}
	}

	/** The ICE servers the latest peek gave, while they are fresh enough to start a call with. */
	peekedIce(): { iceServers: IceServer[]; iceTransportPolicy: IceTransportPolicy } | undefined {
		const ice = this.#peekedIce;
		if (!ice || Date.now() - ice.atMs > PEEKED_ICE_MAX_AGE_MS) return undefined;
		return { iceServers: ice.iceServers, iceTransportPolicy: ice.iceTransportPolicy };
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
			this.#forgetSeat();
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
		this.#saveSeat();
		return true;
	}

	/** Keeps what a reload needs to come back, and claims the seat for this tab alone. */
	#saveSeat(): void {
		const self = this.self;
		if (!self || !this.#resumeToken) return;
		saveSeat({
			roomId: this.roomId,
			peerId: self.id,
			resumeToken: this.#resumeToken,
			name: this.#name,
			media: this.#media
		});
		if (this.#claimedPeerId === self.id) return;
		this.#releaseSeat?.();
		this.#claimedPeerId = self.id;
		void claimSeat(self.id, CLAIM_WAIT_MS).then((release) => {
			if (this.#claimedPeerId === self.id) this.#releaseSeat = release;
			else release?.();
		});
	}

	#forgetSeat(): void {
		forgetSeat();
		this.#releaseSeat?.();
		this.#releaseSeat = undefined;
		this.#claimedPeerId = undefined;
	}

	async setMedia(media: Media): Promise<void> {
		if (JSON.stringify(media) === JSON.stringify(this.#media)) return;
		this.#media = media;
		if (this.self) this.self = { ...this.self, media };
		this.#saveSeat();
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
		this.#forgetSeat();
		this.#announceAnswer(undefined);
		await request('room:leave');
	}

	/** Leaves (if still in the room) and stops listening; the page calls it when it goes away. */
	dispose(): void {
		if (this.isInRoom) this.#socket.emit('room:leave', () => {});
		this.#forgetSeat();
		this.#unsubscribe();
		this.#signalListeners.clear();
		this.#presenceListeners.clear();
		this.#answerListeners.clear();
	}
}

export const [getRoomSession, setRoomSession] = createContext<RoomSession>();
