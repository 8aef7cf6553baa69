/**
 * From getStats() reports to the figures a person can read: bitrate each way, the resolution
 * and frame rate of their video, packet loss, round-trip time, jitter and whether the
 * connection is direct or relayed through TURN. Pure, so it is tested without a browser: a
 * report here is any list of stats dictionaries (RTCStatsReport.values() in the app).
 */

/** One entry of an RTCStatsReport, as far as these figures need it. */
export type StatsEntry = { id: string; type: string } & Record<string, unknown>;

/** The cumulative counters of one moment; figures are the difference between two of these. */
export interface StatsSnapshot {
	atMs: number;
	bytesSent: number;
	bytesReceived: number;
	packetsReceived: number;
	packetsLost: number;
	/** Each incoming video stream (camera, screen) by stats id. */
	videos: Map<string, { framesDecoded: number; frameWidth?: number; frameHeight?: number }>;
	/** The incoming voice's jitter, which is what a listener hears as breaking up. */
	jitterMs?: number;
	/** The share of what we send that the other side reports lost (RTCP receiver reports). */
	remoteLossFraction?: number;
	roundTripMs?: number;
	route?: Route;
}

export type Route = 'direct' | 'relayed';

export interface QualityFigures {
	sentBitsPerSecond: number;
	receivedBitsPerSecond: number;
	/** Their video as it reaches us; absent when no video frames arrive. */
	frameWidth?: number;
	frameHeight?: number;
	framesPerSecond?: number;
	/** The worse of the two directions, 0 to 1. */
	lossFraction: number;
	roundTripMs?: number;
	jitterMs?: number;
	route?: Route;
}

function numberIn(entry: StatsEntry | undefined, key: string): number | undefined {
	const value = entry?.[key];
	return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

function stringIn(entry: StatsEntry | undefined, key: string): string | undefined {
	const value = entry?.[key];
	return typeof value === 'string' ? value : undefined;
}

/** The candidate pair ICE is using: the transport names it; older reports only mark it. */
function selectedPair(byId: Map<string, StatsEntry>): StatsEntry | undefined {
	for (const entry of byId.values()) {
		if (entry.type !== 'transport') continue;
		const pair = byId.get(stringIn(entry, 'selectedCandidatePairId') ?? '');
		if (pair) return pair;
	}
	return [...byId.values()].find(
		(entry) =>
			entry.type === 'candidate-pair' &&
			entry['nominated'] === true &&
			entry['state'] === 'succeeded'
	);
}

export function snapshotOf(entries: Iterable<StatsEntry>, atMs: number): StatsSnapshot {
	const byId = new Map<string, StatsEntry>();
	for (const entry of entries) byId.set(entry.id, entry);
	const snapshot: StatsSnapshot = {
		atMs,
		bytesSent: 0,
		bytesReceived: 0,
		packetsReceived: 0,
		packetsLost: 0,
		videos: new Map()
	};
	for (const entry of byId.values()) {
		if (entry.type === 'outbound-rtp') {
			snapshot.bytesSent += numberIn(entry, 'bytesSent') ?? 0;
		} else if (entry.type === 'inbound-rtp') {
			snapshot.bytesReceived += numberIn(entry, 'bytesReceived') ?? 0;
			snapshot.packetsReceived += numberIn(entry, 'packetsReceived') ?? 0;
			// Duplicates can make packetsLost negative; they are not a gain.
			snapshot.packetsLost += Math.max(0, numberIn(entry, 'packetsLost') ?? 0);
			if (entry['kind'] === 'video') {
				snapshot.videos.set(entry.id, {
					framesDecoded: numberIn(entry, 'framesDecoded') ?? 0,
					frameWidth: numberIn(entry, 'frameWidth'),
					frameHeight: numberIn(entry, 'frameHeight')
				});
			} else if (entry['kind'] === 'audio') {
				const jitter = numberIn(entry, 'jitter');
				if (jitter !== undefined) snapshot.jitterMs = jitter * 1000;
			}
		} else if (entry.type === 'remote-inbound-rtp') {
			const lost = numberIn(entry, 'fractionLost');
			if (lost !== undefined) {
				snapshot.remoteLossFraction = Math.max(snapshot.remoteLossFraction ?? 0, lost);
			}
			const roundTrip = numberIn(entry, 'roundTripTime');
			if (roundTrip !== undefined && snapshot.roundTripMs === undefined) {
				snapshot.roundTripMs = roundTrip * 1000;
			}
		}
	}
	const pair = selectedPair(byId);
	if (pair) {
		// The pair's own measure (STUN consent checks) runs even when no media flows.
		const roundTrip = numberIn(pair, 'currentRoundTripTime');
		if (roundTrip !== undefined) snapshot.roundTripMs = roundTrip * 1000;
		const local = byId.get(stringIn(pair, 'localCandidateId') ?? '');
		const remote = byId.get(stringIn(pair, 'remoteCandidateId') ?? '');
		if (local || remote) {
			const isRelayed =
				local?.['candidateType'] === 'relay' || remote?.['candidateType'] === 'relay';
			snapshot.route = isRelayed ? 'relayed' : 'direct';
		}
	}
	return snapshot;
}

/** What happened between two snapshots of the same connection. */
export function figuresBetween(before: StatsSnapshot, after: StatsSnapshot): QualityFigures {
	const seconds = Math.max((after.atMs - before.atMs) / 1000, 0.001);
	const perSecond = (bytes: number) => Math.max(0, Math.round((bytes * 8) / seconds));
	const received = Math.max(0, after.packetsReceived - before.packetsReceived);
	const lost = Math.max(0, after.packetsLost - before.packetsLost);
	const localLoss = received + lost > 0 ? lost / (received + lost) : 0;
	const figures: QualityFigures = {
		sentBitsPerSecond: perSecond(after.bytesSent - before.bytesSent),
		receivedBitsPerSecond: perSecond(after.bytesReceived - before.bytesReceived),
		lossFraction: Math.max(localLoss, after.remoteLossFraction ?? 0),
		roundTripMs: after.roundTripMs,
		jitterMs: after.jitterMs,
		route: after.route
	};
	// The video that moved most is the one on screen (the camera, or a screen share instead).
	let mostFrames = 0;
	for (const [id, video] of after.videos) {
		const frames = video.framesDecoded - (before.videos.get(id)?.framesDecoded ?? 0);
		if (frames <= mostFrames) continue;
		mostFrames = frames;
		figures.frameWidth = video.frameWidth;
		figures.frameHeight = video.frameHeight;
		figures.framesPerSecond = Math.round((frames / seconds) * 10) / 10;
	}
	return figures;
}
