/**
 * One remote person: their RTCPeerConnection, its data channels and their incoming media.
 * Reads top to bottom like the perfect negotiation example of the WebRTC spec
 * (https://w3c.github.io/webrtc-pc/#perfect-negotiation-example).
 *
 * Every connection carries three transceivers, created once by the initiating side in a fixed
 * order: microphone, camera, screen (prepared-connection.ts). Tracks come and go with
 * replaceTrack on these, so turning a camera on late, switching cameras or sharing a screen
 * never renegotiates. What goes into those senders, and at what encoding, is peer-senders.ts.
 */
import type { SignalPayload } from '../protocol';
import type { DataChannelName } from './data-channels';
import { PeerChannels } from './peer-channels';
import { newConnection, PreparedConnection, type ConnectionSettings } from './prepared-connection';
import { PeerSenders, type LocalTracks } from './peer-senders';
import type { SendLimits } from './send-limits';
import type { SendLevel } from '../quality/adaptation';
import { TRANSCEIVERS, type TransceiverRole } from './send-encodings';

export type { TransceiverRole };

export type PeerState = 'connecting' | 'connected' | 'reconnecting' | 'closed';

export interface PeerOptions extends ConnectionSettings {
	selfId: string;
	remoteId: string;
	/** Creates the transceivers and sends the first offer; the other side only answers. */
	isInitiator: boolean;
	/** The initiator's connection, made before the join answer named this person. */
	prepared?: PreparedConnection;
	signal: (payload: SignalPayload) => void;
	/** Limits for the first offer, so the encoder starts at the right size. */
	limits: SendLimits;
	/** The local tracks at creation, attached before the first offer or answer. */
	tracks: LocalTracks;
	onChannelOpen?: (peer: Peer, channel: DataChannelName) => void;
	onChannelMessage?: (peer: Peer, channel: DataChannelName, data: string) => void;
}

/** How long ICE may stay 'disconnected' (a brief network wobble) before we restart it. */
const DISCONNECTED_RESTART_MS = 4000;
const STALE_AFTER_MS = 5000;

export class Peer {
	readonly id: string;
	/** The polite side yields when both sides offer at once; decided from the two ids. */
	readonly polite: boolean;
	/** The side that creates the transceivers and the first offer; the other only answers. */
	readonly isInitiator: boolean;
	readonly pc: RTCPeerConnection;
	/**
	 * Settles once the answer to this side's first offer is set (or the connection closed);
	 * at once on the answering side. From then on the connection comes up off the main thread.
	 */
	readonly firstAnswerSet: Promise<void>;

	state = $state<PeerState>('connecting');
	error = $state<string>();
	/** Their microphone and camera, for the tile's <video> and <audio>. */
	cameraStream = $state.raw<MediaStream>();
	screenStream = $state.raw<MediaStream>();
	audioStream = $state.raw<MediaStream>();
	/** Their camera's first packets have arrived (its track unmuted): its frames are coming. */
	isCameraReceiving = $state(false);

	#createdAt = Date.now();
	#signal: (payload: SignalPayload) => void;
	#channels: PeerChannels;
	#makingOffer = false;
	#ignoreOffer = false;
	#isSettingRemoteAnswerPending = false;
	#restartTimer: ReturnType<typeof setTimeout> | undefined;
	#answerSet: () => void = () => {};
	#sending: PeerSenders;
	#audioReceiver: RTCRtpReceiver | undefined;

	constructor(options: PeerOptions) {
		this.id = options.remoteId;
		this.polite = options.selfId < options.remoteId;
		this.isInitiator = options.isInitiator;
		this.#signal = options.signal;
		const prepared = this.isInitiator
			? (options.prepared ?? new PreparedConnection(options, options.limits, options.tracks))
			: undefined;
		const pc = prepared?.pc ?? newConnection(options);
		this.pc = pc;
		this.#sending = new PeerSenders(
			pc,
			options.tracks,
			options.limits,
			prepared?.applied ?? {},
			(error) => this.#report(error)
		);
		this.#channels = prepared?.channels ?? new PeerChannels();
		this.#channels.listen(
			{
				onOpen: (name) => options.onChannelOpen?.(this, name),
				onMessage: (name, data) => options.onChannelMessage?.(this, name, data)
			},
			this.id.slice(0, 4)
		);

		pc.onnegotiationneeded = () => void this.#offer();
		if (!prepared) {
			pc.onicecandidate = ({ candidate }) => {
				this.#signal({ candidate: candidate ? candidate.toJSON() : null } as SignalPayload);
			};
		}
		pc.ontrack = ({ track, transceiver }) => this.#receive(track, transceiver);
		pc.oniceconnectionstatechange = () => this.#onIceState();
		pc.onconnectionstatechange = () => {
			if (pc.connectionState === 'connected') this.state = 'connected';
		};
		// One built ahead but not started yet starts with the join answer's ICE servers.
		prepared?.start(options);
		this.firstAnswerSet = this.isInitiator
			? new Promise((resolve) => (this.#answerSet = resolve))
			: Promise.resolve();
		if (prepared) {
			// The receivers' tracks exist already, muted until media comes: a call drawn before the
			// answer (it waits for the first at most 400 ms) has its <video> ready for the first frame.
			for (const transceiver of pc.getTransceivers()) {
				this.#receive(transceiver.receiver.track, transceiver);
			}
			void this.#sendFirstOffer(prepared);
			// Made a moment ago, or before the join answer: the tracks or the room may have changed.
			if (prepared !== options.prepared) return;
			if (this.#sending.differFrom(prepared.tracks)) void this.#sending.replaceTracks();
			else void this.#sending.applyLimits();
		}
	}

	async handleSignal(payload: SignalPayload): Promise<void> {
		const { pc } = this;
		try {
			if ('description' in payload) {
				const description = payload.description;
				const isReadyForOffer =
					!this.#makingOffer &&
					(pc.signalingState === 'stable' || this.#isSettingRemoteAnswerPending);
				const isOfferCollision = description.type === 'offer' && !isReadyForOffer;
				this.#ignoreOffer = !this.polite && isOfferCollision;
				if (this.#ignoreOffer) return;
				this.#isSettingRemoteAnswerPending = description.type === 'answer';
				await pc.setRemoteDescription(description as RTCSessionDescriptionInit);
				this.#isSettingRemoteAnswerPending = false;
				if (description.type === 'answer') this.#answerSet();
				if (description.type === 'offer') {
					this.#adoptTransceivers();
					await pc.setLocalDescription();
					this.#sendDescription();
					// After the answer is on its way: tracks and limits change no SDP, and they are
					// in place well before the connection is up to carry media.
					await this.#sending.replaceTracks();
				}
			} else {
				try {
					await pc.addIceCandidate(payload.candidate ?? undefined);
				} catch (error) {
					// Candidates of an offer we chose to ignore are expected to fail.
					if (!this.#ignoreOffer) throw error;
				}
			}
		} catch (error) {
			this.#report(error);
		}
	}

	/** Puts the current local tracks into this connection's senders. */
	setTracks(tracks: LocalTracks): Promise<void> {
		return this.#sending.setTracks(tracks);
	}

	setLimits(limits: SendLimits): Promise<void> {
		return this.#sending.setLimits(limits);
	}

	/** How much of our video this person gets: see quality/adaptation.ts. */
	get sendLevel(): SendLevel {
		return this.#sending.level;
	}

	setSendLevel(level: SendLevel): Promise<void> {
		return this.#sending.setLevel(level);
	}

	/** Read a few times a second for the voice level: kept, as asking the connection waits. */
	get audioReceiver(): RTCRtpReceiver | undefined {
		this.#audioReceiver ??= this.pc.getTransceivers()[0]?.receiver;
		return this.#audioReceiver;
	}

	/** Still not connected long after it started: its negotiation was probably lost. */
	get isStale(): boolean {
		return this.state !== 'connected' && Date.now() - this.#createdAt > STALE_AFTER_MS;
	}

	/** Sends on an open channel; false when it is not open (yet, or any more). */
	send(channel: DataChannelName, message: string): boolean {
		return this.#channels.send(channel, message);
	}

	close(): void {
		clearTimeout(this.#restartTimer);
		this.#channels.close();
		this.pc.close();
		this.state = 'closed';
		this.#answerSet();
	}

	/**
	 * The answering side gets its transceivers from the offer, receive-only; it turns them to
	 * send-receive before answering so its own media flows without another round.
	 */
	#adoptTransceivers(): void {
		this.#openChannels();
		for (const transceiver of this.pc.getTransceivers().slice(0, TRANSCEIVERS.length)) {
			if (transceiver.direction === 'recvonly') transceiver.direction = 'sendrecv';
		}
	}

	async #sendFirstOffer(prepared: PreparedConnection): Promise<void> {
		try {
			this.#makingOffer = true;
			await prepared.send(
				() => this.#sendDescription(),
				(candidate) => this.#signal({ candidate } as SignalPayload)
			);
		} catch (error) {
			this.#report(error);
			this.#answerSet(); // no answer is coming to an offer never sent
		} finally {
			this.#makingOffer = false;
		}
	}

	async #offer(): Promise<void> {
		try {
			this.#makingOffer = true;
			await this.pc.setLocalDescription();
			this.#sendDescription();
		} catch (error) {
			this.#report(error);
			this.#answerSet(); // no answer is coming to an offer never sent
		} finally {
			this.#makingOffer = false;
		}
	}

	/**
	 * The initiator opens the data channels before its first offer (prepared-connection.ts); the
	 * answering side only once that offer has brought the SCTP transport, because a first channel
	 * on a connection without one would make it offer too and collide.
	 */
	#openChannels(): void {
		this.#channels.open(this.pc);
	}

	#receive(track: MediaStreamTrack, transceiver: RTCRtpTransceiver): void {
		const role = TRANSCEIVERS[this.pc.getTransceivers().indexOf(transceiver)];
		// Already shown since this side made the transceiver: a new stream would make the tile's
		// <video> start over.
		if (this.#streamFor(role)?.getTracks().includes(track)) return;
		if (role === 'audio') {
			this.audioStream = new MediaStream([track]);
		} else if (role === 'camera') {
			this.cameraStream = new MediaStream([track]);
			if (!track.muted) this.isCameraReceiving = true;
			else track.addEventListener('unmute', () => (this.isCameraReceiving = true), { once: true });
		} else if (role === 'screen') {
			this.screenStream = new MediaStream([track]);
		}
	}

	#streamFor(role: TransceiverRole | undefined): MediaStream | undefined {
		if (role === 'audio') return this.audioStream;
		if (role === 'camera') return this.cameraStream;
		if (role === 'screen') return this.screenStream;
		return undefined;
	}

	#onIceState(): void {
		const state = this.pc.iceConnectionState;
		clearTimeout(this.#restartTimer);
		if (state === 'connected' || state === 'completed') {
			this.state = 'connected';
			this.error = undefined;
		} else if (state === 'disconnected') {
			this.state = 'reconnecting';
			this.#restartTimer = setTimeout(() => this.pc.restartIce(), DISCONNECTED_RESTART_MS);
		} else if (state === 'failed') {
			this.state = 'reconnecting';
			this.pc.restartIce();
		}
	}

	#sendDescription(): void {
		const description = this.pc.localDescription;
		if (!description) return;
		this.#signal({
			description: { type: description.type, sdp: description.sdp }
		});
	}

	#report(error: unknown): void {
		this.error = error instanceof Error ? error.message : String(error);
		console.warn(`Peer ${this.id.slice(0, 4)}: ${this.error}`);
	}
}
