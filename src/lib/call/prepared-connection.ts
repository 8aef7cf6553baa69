/**
 * The calling side's connection, made before it knows whom it calls: its transceivers, its data
 * channels and its first offer are all the same whoever answers. Built while the join screen
 * waits for the person, its offer started as the join request leaves, it lets the offer go out
 * the moment the join answer names the people in the room, instead of after tens of
 * milliseconds of building (calls that block until WebRTC's thread answers) on a main thread
 * the join keeps busy.
 *
 * Every connection carries three transceivers in a fixed order (microphone, camera, screen),
 * made here by the calling side with the local tracks already in them, so the encoder starts
 * the moment the connection is up; tracks change later with replaceTrack.
 */
import type { IceServer, IceTransportPolicy } from '../protocol';
import { PeerChannels } from './peer-channels';
import { applyLimits } from './peer-senders';
import { encodingFor, TRANSCEIVERS, type TransceiverRole } from './send-encodings';
import type { SendLimits } from './send-limits';

export interface ConnectionSettings {
	iceServers: IceServer[];
	iceTransportPolicy: IceTransportPolicy;
	/** This page's DTLS certificate, made before the join so no connection waits to make one. */
	certificate?: RTCCertificate;
}

export function newConnection(settings: ConnectionSettings): RTCPeerConnection {
	return new RTCPeerConnection({
		iceServers: settings.iceServers,
		iceTransportPolicy: settings.iceTransportPolicy,
		bundlePolicy: 'max-bundle',
		...(settings.certificate ? { certificates: [settings.certificate] } : {})
	});
}

type Candidate = RTCIceCandidateInit | null;

function iceKey(ice: Pick<ConnectionSettings, 'iceServers' | 'iceTransportPolicy'>): string {
	return JSON.stringify([ice.iceServers, ice.iceTransportPolicy]);
}

export class PreparedConnection {
	readonly pc: RTCPeerConnection;
	readonly channels = new PeerChannels();
	/** The encoding each sender has, so later limits change only what differs. */
	readonly applied: Partial<Record<TransceiverRole, RTCRtpEncodingParameters>> = {};
	/** The tracks the senders started with. */
	readonly tracks: Record<TransceiverRole, MediaStreamTrack | null>;
	#offerSet: Promise<void> | undefined;
	#isOfferSet = false;
	/** The ICE servers it was built with, as the peek gave them. */
	#ice: string;

	/** Candidates found before there is anyone to send them to. */
	#candidates: Candidate[] = [];
	#sendCandidate: ((candidate: Candidate) => void) | undefined;

	constructor(
		settings: ConnectionSettings,
		limits: SendLimits,
		tracks: Record<TransceiverRole, MediaStreamTrack | null>
	) {
		const pc = newConnection(settings);
		this.pc = pc;
		this.#ice = iceKey(settings);
		this.tracks = { ...tracks };
		for (const role of TRANSCEIVERS) {
			const encoding = encodingFor(role, limits, 0, tracks[role] !== null);
			this.applied[role] = encoding;
			pc.addTransceiver(tracks[role] ?? (role === 'audio' ? 'audio' : 'video'), {
				direction: 'sendrecv',
				sendEncodings: [encoding]
			});
		}
		// Negotiated channels, opened before the offer so that it carries their transport.
		this.channels.open(pc);
		pc.onicecandidate = ({ candidate }) => {
			const found = candidate ? candidate.toJSON() : null;
			if (this.#sendCandidate) this.#sendCandidate(found);
			else this.#candidates.push(found);
		};
	}

	/**
	 * Other limits for its senders, while it waits (the room's count of people changed): set
	 * now, while WebRTC's thread is idle and no encoder runs, rather than once connected.
	 */
	setLimits(limits: SendLimits): Promise<void> {
		return applyLimits(this.pc, this.tracks, limits, 0, this.applied);
	}

	/**
	 * Makes the first offer, which starts gathering candidates: only once the person joins, so a
	 * join screen left open holds no ports and no TURN allocation. With `ice`, the ICE servers to
	 * use instead of those it was built with (a newer peek's credential).
	 */
	start(ice?: Pick<ConnectionSettings, 'iceServers' | 'iceTransportPolicy'>): void {
		if (this.#offerSet) return;
		// Asked only when they changed: both calls block until WebRTC's thread answers.
		if (ice && iceKey(ice) !== this.#ice) {
			this.pc.setConfiguration({ ...this.pc.getConfiguration(), ...ice });
		}
		// Made now rather than at 'negotiationneeded': that event waits for the main thread, while
		// the offer is made off it. The event then finds an offer under way and does not fire.
		this.#offerSet = this.pc.setLocalDescription();
		this.#offerSet.then(
			() => (this.#isOfferSet = true),
			() => {}
		);
	}

	/**
	 * Once the offer is set: sends it, then the candidates found so far, then each new one as
	 * it comes. The offer goes first: a candidate reaching the other side before it is refused.
	 */
	send(
		sendOffer: (offer: RTCSessionDescription) => void,
		sendCandidate: (candidate: Candidate) => void
	): Promise<void> {
		this.start();
		const handOver = () => {
			const offer = this.pc.localDescription;
			if (!offer) throw new Error('The connection closed before its offer was sent');
			sendOffer(offer);
			for (const candidate of this.#candidates.splice(0)) sendCandidate(candidate);
			this.#sendCandidate = sendCandidate;
		};
		// Already set: sent at once, before the page goes on to its other connections.
		if (!this.#isOfferSet) return this.#offerSet!.then(handOver);
		try {
			handOver();
			return Promise.resolve();
		} catch (error) {
			return Promise.reject(error);
		}
	}

	/** For a connection nobody took: the join failed, or fewer people were there than guessed. */
	close(): void {
		this.#offerSet?.catch(() => {});
		this.channels.close();
		this.pc.close();
	}
}
