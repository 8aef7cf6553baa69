/**
 * From figures to the mark on a tile: good, fair or poor. Each figure is graded against the
 * point where people notice it (a pause in a reply past a quarter second, voice breaking up
 * with a few percent loss, video turning to a slide show below half its frame rate) and the
 * worst one counts. The mark then moves only when the grade holds, so it does not flicker.
 */
import type { QualityFigures } from './figures';

export type QualityMark = 'good' | 'fair' | 'poor';

const ORDER: Record<QualityMark, number> = { good: 0, fair: 1, poor: 2 };

/** [fair from, poor from] for each figure. */
export const ROUND_TRIP_MS = [250, 500] as const;
export const LOSS_FRACTION = [0.02, 0.08] as const;
export const JITTER_MS = [30, 80] as const;
/** Frames decoded as a share of those expected: [fair below, poor below]. */
export const FRAME_SHARE = [0.75, 0.4] as const;

/** Below this a video is not "expected to move" enough to judge (a still screen share). */
const MIN_JUDGED_FRAMES_PER_SECOND = 5;

function worst(...marks: QualityMark[]): QualityMark {
	return marks.reduce((a, b) => (ORDER[b] > ORDER[a] ? b : a), 'good');
}

function above(value: number | undefined, [fair, poor]: readonly [number, number]): QualityMark {
	if (value === undefined) return 'good';
	return value >= poor ? 'poor' : value >= fair ? 'fair' : 'good';
}

/**
 * The grade of one sample. `expectedFramesPerSecond` is what their video should run at, or
 * undefined when no video is expected (camera off, paused to save the connection).
 */
export function gradeOf(figures: QualityFigures, expectedFramesPerSecond?: number): QualityMark {
	let frames: QualityMark = 'good';
	if (
		expectedFramesPerSecond !== undefined &&
		expectedFramesPerSecond >= MIN_JUDGED_FRAMES_PER_SECOND
	) {
		const share = (figures.framesPerSecond ?? 0) / expectedFramesPerSecond;
		frames = share < FRAME_SHARE[1] ? 'poor' : share < FRAME_SHARE[0] ? 'fair' : 'good';
	}
	return worst(
		above(figures.roundTripMs, ROUND_TRIP_MS),
		above(figures.lossFraction, LOSS_FRACTION),
		above(figures.jitterMs, JITTER_MS),
		frames
	);
}

/** The mark shown, and a grade that differs from it waiting to be confirmed. */
export interface MarkState {
	mark: QualityMark;
	candidate?: QualityMark;
	/** How many samples in a row the candidate has held. */
	held: number;
}

/** Samples a worse grade must hold before the mark shows it: one bad second is not a problem. */
export const WORSE_AFTER_SAMPLES = 2;
/** A better grade waits longer: a mark that recovers too eagerly flickers on a shaky link. */
export const BETTER_AFTER_SAMPLES = 3;

export function settle(state: MarkState | undefined, grade: QualityMark): MarkState {
	if (!state) return { mark: grade, held: 0 };
	if (grade === state.mark) return { mark: state.mark, held: 0 };
	const held = state.candidate === grade ? state.held + 1 : 1;
	const needed = ORDER[grade] > ORDER[state.mark] ? WORSE_AFTER_SAMPLES : BETTER_AFTER_SAMPLES;
	return held >= needed ? { mark: grade, held: 0 } : { mark: state.mark, candidate: grade, held };
}

/**
 * What their video should run at: the best rate seen lately, fading slowly so a camera that
 * really runs slower (a dark room) is not called poor for ever. Nothing is known before the
 * first frames, and a rate seen once does not count until it has been seen twice.
 */
export const PEAK_FADE_PER_SAMPLE = 0.98;

export function nextExpectedFrames(
	peak: number | undefined,
	framesPerSecond: number | undefined
): number | undefined {
	const faded = peak === undefined ? undefined : peak * PEAK_FADE_PER_SAMPLE;
	if (framesPerSecond === undefined) return faded;
	return Math.max(faded ?? 0, framesPerSecond);
}
