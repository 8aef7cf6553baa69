/**
 * What this side sends one person: the local tracks in the connection's three senders
 * (microphone, camera, screen, in that order), and each sender's encoding, from the room's
 * send limits and from what quality adaptation allows this person (send-encodings.ts).
 */
import type { SendLevel } from '../quality/adaptation';
import { applyEncoding, encodingFor, TRANSCEIVERS, type TransceiverRole } from './send-encodings';
import type { SendLimits } from './send-limits';

export type LocalTracks = Record<TransceiverRole, MediaStreamTrack | null>;
type Encodings = Partial<Record<TransceiverRole, RTCRtpEncodingParameters>>;

/**
 * Gives each sender of `pc` its encoding for `limits` and `level`, writing what it asked into
 * `applied` (what was asked before, so only what differs is asked again).
 */
export async function applyLimits(
	pc: RTCPeerConnection,
	tracks: LocalTracks,
	limits: SendLimits,
	level: SendLevel,
	applied: Encodings
): Promise<void> {
	const transceivers = pc.getTransceivers();
	for (const [index, role] of TRANSCEIVERS.entries()) {
		const sender = transceivers[index]?.sender;
		if (!sender) continue;
		const wanted = encodingFor(role, limits, level, tracks[role] !== null);
		// Before the first negotiation a sender has no encodings to limit yet.
		if (await applyEncoding(sender, wanted, applied[role])) applied[role] = wanted;
	}
}

export class PeerSenders {
	#pc: RTCPeerConnection;
	#tracks: LocalTracks;
	#limits: SendLimits;
	#level: SendLevel = 0;
	/** What applyLimits last asked of each sender, so it changes only what changed since. */
	#applied: Encodings;
	#report: (error: unknown) => void;

	/**
	 * `applied`: what the senders were last asked for, kept in the same record as whoever asked
	 * (a prepared connection may still be setting the limits it was given while it waited).
	 */
	constructor(
		pc: RTCPeerConnection,
		tracks: LocalTracks,
		limits: SendLimits,
		applied: Encodings,
		report: (error: unknown) => void
	) {
		this.#pc = pc;
		this.#tracks = { ...tracks };
		this.#limits = limits;
		this.#applied = applied;
		this.#report = report;
	}

	/** How much of our video this person gets: see quality/adaptation.ts. */
	get level(): SendLevel {
		return this.#level;
	}

	/** Whether the senders hold other tracks than `tracks` (they were made a while ago). */
	differFrom(tracks: LocalTracks): boolean {
		return TRANSCEIVERS.some((role) => tracks[role] !== this.#tracks[role]);
	}

	/** Puts the current local tracks into the senders. */
	async setTracks(tracks: LocalTracks): Promise<void> {
		this.#tracks = { ...tracks };
		await this.replaceTracks();
	}

	async setLimits(limits: SendLimits): Promise<void> {
		this.#limits = limits;
		await this.applyLimits();
	}

	async setLevel(level: SendLevel): Promise<void> {
		this.#level = level;
		await this.applyLimits();
	}

	/** Puts the tracks it holds into the senders that have other ones, then the limits. */
	async replaceTracks(): Promise<void> {
		const transceivers = this.#pc.getTransceivers();
		await Promise.all(
			TRANSCEIVERS.map(async (role, index) => {
				const sender = transceivers[index]?.sender;
				const track = this.#tracks[role];
				if (!sender || sender.track === track) return;
				try {
					await sender.replaceTrack(track);
				} catch (error) {
					this.#report(error);
				}
			})
		);
		await this.applyLimits();
	}

	applyLimits(): Promise<void> {
		return applyLimits(this.#pc, this.#tracks, this.#limits, this.#level, this.#applied);
	}
}
