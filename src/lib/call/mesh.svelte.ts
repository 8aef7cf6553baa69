/**
 * The call: one Peer per other person in the room, kept in step with the room's presence,
 * all fed the same local tracks. Data-channel features (chat, whiteboard, game) reach every
 * peer through `onMessage`, `onChannelOpen`, `send` and `broadcast`.
 */
import { createContext, untrack } from 'svelte';
import { SvelteMap } from 'svelte/reactivity';
import type { PeerInfo, RelayedSignal, SignalPayload } from '../protocol';
import { getSocket } from '../socket';
import type { RoomSession } from '../room/session.svelte';
import type { DataChannelName } from './data-channels';
import { FirstCallFirst } from './first-call-first';
import { whenFirstFrame } from './first-frame.svelte';
import { isFromNewConnection } from './fingerprint';
import type { LocalMedia } from './local-media.svelte';
import { paintedFrames } from './painted-frames.svelte';
import { Peer } from './peer.svelte';
import { PreparedConnection } from './prepared-connection';
import { sendLimitsFor, type SendLimits } from './send-limits';

type MessageListener = (peer: Peer, data: string) => void;

/** Built ahead for at most this many people: a room's default size, less the one joining. */
const MAX_PREPARED_CALLS = 3;
type OpenListener = (peer: Peer) => void;
/** The longest a room's new send limits wait for a newcomer's first frame to be painted here. */
const LIMITS_WAIT_MS = 3000;

export class Mesh {
	readonly peers = new SvelteMap<string, Peer>();

	#session: RoomSession;
	#local: LocalMedia;
	#messageListeners = new Map<DataChannelName, Set<MessageListener>>();
	#openListeners = new Map<DataChannelName, Set<OpenListener>>();
	#stopEffects: () => void;
	#stopSignals: () => void;
	#stopPresence: () => void;
	#certificate: RTCCertificate | undefined;
	/** Connections made while the join request is on its way, for the people its answer names. */
	#prepared: PreparedConnection[] = [];
	/** Changes only when the wait starts or ends, not at each frame painted meanwhile. */
	#isAwaitingFirstFrames = $derived(this.isAwaitingFirstFrames);
	#firstCallFirst = new FirstCallFirst<Peer>((peer, up) =>
		whenFirstFrame(
			peer,
			() => this.#session.peers.find((person) => person.id === peer.id)?.media.video ?? false,
			up
		)
	);

	constructor(session: RoomSession, local: LocalMedia) {
		this.#session = session;
		this.#local = local;
		// A new RTCPeerConnection makes its own certificate, tens of milliseconds on a busy
		// phone, right when someone joins; one made now, before anyone joins, serves them all.
		if (
			typeof RTCPeerConnection !== 'undefined' &&
			typeof RTCPeerConnection.generateCertificate === 'function'
		) {
			void RTCPeerConnection.generateCertificate({
				name: 'ECDSA',
				namedCurve: 'P-256'
			} as EcKeyGenParams)
				.then((certificate) => (this.#certificate = certificate))
				.catch(() => {});
		}
		this.#stopSignals = session.onSignal((signal) => this.#onSignal(signal));
		this.#stopPresence = session.onPresence(() => this.#sync(session.peers, session.self?.id));
		this.#sync(session.peers, session.self?.id);
		this.#stopEffects = $effect.root(() => {
			$effect(() => {
				const tracks = this.#tracks();
				// Only when a track changes: a new connection starts with the tracks of the moment,
				// and asking every sender again each time someone joins made blocking calls into
				// WebRTC's thread while it was busiest, making the connection.
				untrack(() => {
					for (const peer of this.peers.values()) void peer.setTracks(tracks);
				});
			});
			$effect(() => {
				// Resizing a running encoder costs a keyframe. Done to every other copy the moment
				// someone joins, those keyframes were encoded (and decoded, on every page) alongside
				// the newcomer's first ones; a new connection starts at the new limits (#connect),
				// and the others follow once no connection is still being made.
				for (const peer of this.peers.values()) if (peer.state === 'connecting') return;
				const limits = sendLimitsFor(this.peers.size + 1);
				// Connected is not yet seen: the newcomer's first frames were still being encoded and
				// decoded when the keyframes of the resized copies came, on every page at once. Never
				// within the callback that painted a first frame either: asking each sender blocks.
				const waitMs = this.#isAwaitingFirstFrames ? LIMITS_WAIT_MS : 0;
				const apply = setTimeout(() => {
					for (const peer of this.peers.values()) void peer.setLimits(limits);
				}, waitMs);
				return () => clearTimeout(apply);
			});
			$effect(() => {
				// Tell the room what we send, so their tiles show video or an avatar and the mic mark.
				const media = local.media;
				if (session.status === 'joined') untrack(() => void session.setMedia(media));
			});
		});
	}

	onMessage(channel: DataChannelName, listener: MessageListener): () => void {
		return addTo(this.#messageListeners, channel, listener);
	}

	onChannelOpen(channel: DataChannelName, listener: OpenListener): () => void {
		return addTo(this.#openListeners, channel, listener);
	}

	/** Sends to every peer whose channel is open; returns the ids it could not reach. */
	broadcast(channel: DataChannelName, message: string): string[] {
		const missed: string[] = [];
		for (const peer of this.peers.values()) {
			if (!peer.send(channel, message)) missed.push(peer.id);
		}
		return missed;
	}

	send(peerId: string, channel: DataChannelName, message: string): boolean {
		return this.peers.get(peerId)?.send(channel, message) ?? false;
	}

	/**
	 * Whether a connection is being made (one stuck past its stale time counts no more). Reads
	 * that wait on WebRTC's own threads (voice levels, statistics) hold off meanwhile: those
	 * threads are setting the new connection up, and each read waited behind that work.
	 */
	get isConnecting(): boolean {
		for (const peer of this.peers.values()) {
			if (peer.state === 'connecting' && !peer.isStale) return true;
		}
		return false;
	}

	/** Whether someone's camera has yet to show its first frame here (reactive). */
	get isAwaitingFirstFrames(): boolean {
		return this.#session.peers.some((person) => {
			const peer = this.peers.get(person.id);
			if (!peer || peer.state === 'closed' || !person.media.video) return false;
			const stream = peer.cameraStream;
			return !stream || !paintedFrames.has(stream);
		});
	}

	/**
	 * Whether someone's media is still on its way (reactive): their connection is being made, or
	 * their camera's first packets have not arrived yet.
	 */
	get isAwaitingMedia(): boolean {
		return this.#session.peers.some((person) => {
			const peer = this.peers.get(person.id);
			if (!peer || peer.state === 'closed') return false;
			return person.media.video ? !peer.isCameraReceiving : peer.state === 'connecting';
		});
	}

	/**
	 * Builds the connections this page will call the room with, while the join screen waits for
	 * the person, with the ICE servers it was given (RoomSession.peekedIce): one per seat the
	 * others may hold, up to three (a room's default size), since people may arrive meanwhile.
	 * Building asks nothing of the network; `startCalls` makes the offers.
	 */
	prepareCalls(isJoining = false): void {
		const ice = this.#session.peekedIce();
		const room = this.#session.room;
		if (!ice || !room || this.peers.size > 0) return;
		const count = Math.min(room.seats - 1, MAX_PREPARED_CALLS);
		const limits = sendLimitsFor(Math.max(room.taken, 1) + 1);
		// Built for another number of people (someone came or went meanwhile, see room:seats):
		// their limits follow while the page waits and nothing else asks WebRTC's thread, for
		// changed once connected they cost a joiner into a call of three tens of milliseconds of
		// waiting. Not as the join starts: the calls it makes come first.
		if (!isJoining) for (const prepared of this.#prepared) void prepared.setLimits(limits);
		const settings = { ...ice, certificate: this.#certificate };
		while (this.#prepared.length < count) {
			this.#prepared.push(new PreparedConnection(settings, limits, this.#tracks()));
		}
	}

	/**
	 * Makes the first offers of as many prepared connections as the join screen last saw people
	 * (at least one), once the join request is out, so they go out the moment the join answer
	 * names whom to send them to; any more the answer needs start then, already built. Only with
	 * fresh ICE servers (a connection's credential must not start half spent): without them the
	 * calls are made once the join is answered, as for a page that came back from a reload.
	 */
	startCalls(): void {
		const ice = this.#session.peekedIce();
		if (!ice || this.peers.size > 0) return this.dropPreparedCalls();
		this.prepareCalls(true);
		const expected = Math.max(this.#session.room?.taken ?? 0, 1);
		for (const prepared of this.#prepared.slice(0, expected)) prepared.start(ice);
	}

	/** Closes the connections made for a join that did not happen or found fewer people. */
	dropPreparedCalls(): void {
		for (const prepared of this.#prepared.splice(0)) prepared.close();
	}

	/**
	 * Settles once the first of the connections this side starts has set the answer to its first
	 * offer (at once with none): from then on that connection comes up off the main thread.
	 */
	async firstAnswerSet(): Promise<void> {
		const peers = [...this.peers.values()];
		if (peers.length > 0) await Promise.race(peers.map((peer) => peer.firstAnswerSet));
	}

	/** Closes every connection; the local tracks belong to LocalMedia and stay its to stop. */
	dispose(): void {
		this.#stopEffects();
		this.#stopSignals();
		this.#stopPresence();
		this.#firstCallFirst.stop();
		this.dropPreparedCalls();
		for (const peer of this.peers.values()) peer.close();
		this.peers.clear();
	}

	#sync(people: PeerInfo[], selfId: string | undefined): void {
		if (!selfId) return;
		const present = new Set(people.map((person) => person.id));
		for (const [id, peer] of this.peers) {
			if (!present.has(id)) {
				peer.close();
				this.peers.delete(id);
			}
		}
		// Every connection made now starts at the limits for everyone here, not for those met so far.
		const limits = sendLimitsFor(people.filter((person) => !person.isAway).length + 1);
		for (const person of people) {
			const existing = this.peers.get(person.id);
			// A connection that never came up while they were away (or we were) is started
			// afresh: its offer or answer may have been lost with the signaling connection.
			if (existing && !person.isAway && existing.state !== 'connected' && existing.isStale) {
				existing.close();
				this.peers.delete(person.id);
			}
			if (!this.peers.has(person.id) && !person.isAway) {
				// Whoever arrives calls those already there, as a person entering a room greets it:
				// the people in our latest join answer were there first.
				const wasThereFirst = this.#session.answer?.peers.some((peer) => peer.id === person.id);
				this.#connect(person.id, selfId, wasThereFirst ?? false, limits);
			}
		}
		// Only the join answer's people are called with them; later arrivals call us.
		this.dropPreparedCalls();
	}

	#connect(remoteId: string, selfId: string, isInitiator: boolean, limits: SendLimits): Peer {
		const peer = new Peer({
			selfId,
			remoteId,
			isInitiator,
			prepared: isInitiator ? this.#prepared.shift() : undefined,
			iceServers: this.#session.iceServers,
			iceTransportPolicy: this.#session.iceTransportPolicy,
			certificate: this.#certificate,
			limits,
			tracks: this.#tracks(),
			// No acknowledgement: its answer would change nothing a peer does (a lost signal is
			// what ICE restarts are for), and acks were half of what a busy server wrote.
			signal: (payload: SignalPayload) => getSocket().emit('signal', { to: remoteId, ...payload }),
			onChannelOpen: (peer, channel) => {
				for (const listener of this.#openListeners.get(channel) ?? []) listener(peer);
			},
			onChannelMessage: (peer, channel, data) => {
				for (const listener of this.#messageListeners.get(channel) ?? []) listener(peer, data);
			}
		});
		this.peers.set(remoteId, peer);
		return peer;
	}

	#tracks() {
		return {
			audio: this.#local.audioTrack,
			camera: this.#local.videoTrack,
			screen: this.#local.screenTrack
		};
	}

	#onSignal({ from, ...payload }: RelayedSignal): void {
		const selfId = this.#session.self?.id;
		if (!selfId) return;
		let existing = this.peers.get(from);
		if (existing && 'description' in payload) {
			if (isFromNewConnection(existing.pc.remoteDescription, payload.description)) {
				existing.close();
				this.peers.delete(from);
				existing = undefined;
			}
		}
		// A signal can outrun the presence update that announces its sender.
		const peer = existing ?? this.#connect(from, selfId, false, sendLimitsFor(this.peers.size + 2));
		this.#firstCallFirst.deliver(peer, payload as SignalPayload);
	}
}

function addTo<T>(map: Map<DataChannelName, Set<T>>, key: DataChannelName, value: T): () => void {
	let set = map.get(key);
	if (!set) map.set(key, (set = new Set()));
	set.add(value);
	return () => set.delete(value);
}

export const [getMesh, setMesh] = createContext<Mesh>();
