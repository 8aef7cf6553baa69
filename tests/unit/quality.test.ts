import { describe, expect, it } from 'vitest';
import {
	FULL,
	adapt,
	AUDIO_ONLY_AFTER_SAMPLES,
	CLIMB_AFTER_SAMPLES,
	type AdaptationState
} from '../../src/lib/quality/adaptation';
import { figuresBetween, snapshotOf, type StatsEntry } from '../../src/lib/quality/figures';
import {
	gradeOf,
	nextExpectedFrames,
	settle,
	type MarkState,
	type QualityMark
} from '../../src/lib/quality/mark';
import { parseQualityWire } from '../../src/lib/quality/wire';

/** A report as Chromium gives it, with the counters a test varies. */
function report(options: {
	bytesSent?: number;
	bytesReceived?: number;
	packetsReceived?: number;
	packetsLost?: number;
	framesDecoded?: number;
	frameHeight?: number;
	jitterSeconds?: number;
	roundTripSeconds?: number;
	remoteFractionLost?: number;
	localType?: string;
}): StatsEntry[] {
	return [
		{ id: 'T1', type: 'transport', selectedCandidatePairId: 'CP1' },
		{
			id: 'CP1',
			type: 'candidate-pair',
			localCandidateId: 'L1',
			remoteCandidateId: 'R1',
			currentRoundTripTime: options.roundTripSeconds ?? 0.001
		},
		{ id: 'CP2', type: 'candidate-pair', localCandidateId: 'L2', remoteCandidateId: 'R1' },
		{ id: 'L1', type: 'local-candidate', candidateType: options.localType ?? 'host' },
		{ id: 'L2', type: 'local-candidate', candidateType: 'relay' },
		{ id: 'R1', type: 'remote-candidate', candidateType: 'host' },
		{ id: 'O1', type: 'outbound-rtp', kind: 'video', bytesSent: options.bytesSent ?? 0 },
		{
			id: 'I1',
			type: 'inbound-rtp',
			kind: 'video',
			bytesReceived: options.bytesReceived ?? 0,
			packetsReceived: options.packetsReceived ?? 0,
			packetsLost: options.packetsLost ?? 0,
			framesDecoded: options.framesDecoded ?? 0,
			frameWidth: options.frameHeight ? (options.frameHeight * 4) / 3 : undefined,
			frameHeight: options.frameHeight
		},
		{ id: 'I2', type: 'inbound-rtp', kind: 'video', framesDecoded: 3, frameHeight: 1080 },
		{ id: 'I3', type: 'inbound-rtp', kind: 'audio', jitter: options.jitterSeconds ?? 0.004 },
		{
			id: 'RI1',
			type: 'remote-inbound-rtp',
			kind: 'video',
			fractionLost: options.remoteFractionLost ?? 0,
			roundTripTime: 0.9
		}
	];
}

describe('figures from getStats', () => {
	it('turns two reports into bitrates, the moving video, loss, round trip and route', () => {
		const before = snapshotOf(report({}), 0);
		const after = snapshotOf(
			report({
				bytesSent: 250_000,
				bytesReceived: 125_000,
				packetsReceived: 950,
				packetsLost: 50,
				framesDecoded: 60,
				frameHeight: 480,
				jitterSeconds: 0.012,
				roundTripSeconds: 0.08
			}),
			2000
		);
		expect(figuresBetween(before, after)).toEqual({
			sentBitsPerSecond: 1_000_000,
			receivedBitsPerSecond: 500_000,
			frameWidth: 640,
			frameHeight: 480,
			framesPerSecond: 30,
			lossFraction: 0.05,
			// The selected pair's own measure wins over a stale receiver report's.
			roundTripMs: 80,
			jitterMs: 12,
			route: 'direct'
		});
	});

	it('calls a connection relayed when either end of the selected pair is a TURN candidate', () => {
		expect(snapshotOf(report({ localType: 'relay' }), 0).route).toBe('relayed');
		expect(snapshotOf(report({}), 0).route).toBe('direct');
	});

	it('takes the loss the other side reports when it is worse than what we see', () => {
		const before = snapshotOf(report({ packetsReceived: 0 }), 0);
		const after = snapshotOf(report({ packetsReceived: 100, remoteFractionLost: 0.2 }), 1000);
		expect(figuresBetween(before, after).lossFraction).toBe(0.2);
	});

	it('reports no video when no frames were decoded', () => {
		const figures = figuresBetween(snapshotOf(report({}), 0), snapshotOf(report({}), 1000));
		expect(figures.framesPerSecond).toBeUndefined();
		expect(figures.frameHeight).toBeUndefined();
	});
});

describe('the mark', () => {
	const good = {
		sentBitsPerSecond: 1,
		receivedBitsPerSecond: 1,
		lossFraction: 0,
		roundTripMs: 5,
		jitterMs: 3,
		framesPerSecond: 30
	};

	it('grades by the worst figure', () => {
		expect(gradeOf(good, 30)).toBe('good');
		expect(gradeOf({ ...good, roundTripMs: 300 }, 30)).toBe('fair');
		expect(gradeOf({ ...good, roundTripMs: 700 }, 30)).toBe('poor');
		expect(gradeOf({ ...good, lossFraction: 0.03 }, 30)).toBe('fair');
		expect(gradeOf({ ...good, lossFraction: 0.1 }, 30)).toBe('poor');
		expect(gradeOf({ ...good, jitterMs: 100 }, 30)).toBe('poor');
		expect(gradeOf({ ...good, framesPerSecond: 20 }, 30)).toBe('fair');
		expect(gradeOf({ ...good, framesPerSecond: 5 }, 30)).toBe('poor');
	});

	it('does not hold missing frames against a link when no video is expected', () => {
		expect(gradeOf({ ...good, framesPerSecond: undefined }, undefined)).toBe('good');
		expect(gradeOf({ ...good, framesPerSecond: undefined }, 2)).toBe('good');
	});

	it('moves only when a grade holds, and recovers more slowly than it falls', () => {
		const run = (grades: QualityMark[]) => {
			let state: MarkState | undefined;
			return grades.map((grade) => (state = settle(state, grade)).mark);
		};
		expect(run(['good', 'poor', 'good', 'poor', 'good'])).toEqual(Array(5).fill('good'));
		expect(run(['good', 'poor', 'poor'])).toEqual(['good', 'good', 'poor']);
		expect(run(['poor', 'good', 'good', 'good'])).toEqual(['poor', 'poor', 'poor', 'good']);
		expect(run(['good', 'fair', 'poor', 'poor'])).toEqual(['good', 'good', 'good', 'poor']);
	});

	it('expects the best frame rate seen lately, fading slowly', () => {
		let peak = nextExpectedFrames(undefined, undefined);
		expect(peak).toBeUndefined();
		peak = nextExpectedFrames(peak, 30);
		expect(peak).toBe(30);
		peak = nextExpectedFrames(peak, 4);
		expect(peak).toBeCloseTo(29.4);
		for (let i = 0; i < 200; i++) peak = nextExpectedFrames(peak, 4);
		expect(peak).toBe(4);
	});
});

describe('adaptation', () => {
	const steps = (marks: (QualityMark | undefined)[], from: AdaptationState = FULL) => {
		let state = from;
		return marks.map((mark) => (state = adapt(state, mark)).level);
	};

	it('halves the picture at the first poor report and keeps video while that helps', () => {
		expect(steps(['good', 'poor', 'fair', 'fair'])).toEqual([0, 1, 1, 1]);
	});

	it('falls back to audio only when poor holds, and climbs back by itself when good holds', () => {
		const poor = Array(1 + AUDIO_ONLY_AFTER_SAMPLES).fill('poor');
		const levels = steps([...poor, ...Array(2 * CLIMB_AFTER_SAMPLES).fill('good')]);
		expect(levels[0]).toBe(1);
		expect(levels[AUDIO_ONLY_AFTER_SAMPLES]).toBe(2);
		// From audio only the climb waits twice as long, after a fall that cost video.
		expect(levels[AUDIO_ONLY_AFTER_SAMPLES + 2 * CLIMB_AFTER_SAMPLES - 1]).toBe(2);
		expect(levels[AUDIO_ONLY_AFTER_SAMPLES + 2 * CLIMB_AFTER_SAMPLES]).toBe(1);
		expect(levels.at(-1)).toBe(1);
		expect(
			steps(Array(CLIMB_AFTER_SAMPLES).fill('good'), { level: 1, held: 0, climbAfter: 6 }).at(-1)
		).toBe(0);
	});

	it('waits longer to climb each time video had to go', () => {
		let state: AdaptationState = FULL;
		const toAudioOnly = () => {
			for (let i = 0; i <= AUDIO_ONLY_AFTER_SAMPLES; i++) state = adapt(state, 'poor');
		};
		toAudioOnly();
		expect(state.climbAfter).toBe(2 * CLIMB_AFTER_SAMPLES);
		while (state.level === 2) state = adapt(state, 'good');
		toAudioOnly();
		expect(state.climbAfter).toBe(4 * CLIMB_AFTER_SAMPLES);
	});
});

describe('the quality wire', () => {
	it('accepts only a mark or a send level, small', () => {
		expect(parseQualityWire('{"type":"reception","mark":"poor"}')).toEqual({
			type: 'reception',
			mark: 'poor'
		});
		expect(parseQualityWire('{"type":"sending","level":2}')).toEqual({ type: 'sending', level: 2 });
		expect(parseQualityWire('{"type":"sending","level":3}')).toBeUndefined();
		expect(parseQualityWire('{"type":"reception","mark":"poor","peerId":"x"}')).toBeUndefined();
		expect(parseQualityWire('not json')).toBeUndefined();
		expect(
			parseQualityWire(`{"type":"reception","mark":"good"${' '.repeat(200)}}`)
		).toBeUndefined();
	});
});
