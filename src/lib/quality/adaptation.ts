/**
 * What this device sends one person when they say our media reaches them poorly: first a
 * smaller picture, then, only if that is still too much, audio alone; and back up by itself
 * once they say it is good again. Each step waits for the last one to show, and every fall
 * back to audio makes the next climb wait longer, so a link that cannot carry video does not
 * bounce between video and none.
 */
import type { QualityMark } from './mark';

/** 0: as the room's send limits say; 1: half the resolution; 2: audio only. */
export type SendLevel = 0 | 1 | 2;

export interface AdaptationState {
	level: SendLevel;
	/** Samples in a row their report has asked for a step (down when poor, up when good). */
	held: number;
	/** Good samples needed to climb back up from audio only; doubles on each fall back. */
	climbAfter: number;
}

/** A poor report halves the picture at once: it is cheap to undo. */
export const REDUCE_AFTER_SAMPLES = 1;
/** Video goes only after the smaller picture has had time to help (about ten seconds). */
export const AUDIO_ONLY_AFTER_SAMPLES = 5;
export const CLIMB_AFTER_SAMPLES = 3;
export const MAX_CLIMB_AFTER_SAMPLES = 60;

/** How much smaller the picture is at each level (RTCRtpEncodingParameters.scaleResolutionDownBy). */
export const SCALE_DOWN_AT: Record<SendLevel, number> = { 0: 1, 1: 2, 2: 2 };

export const FULL: AdaptationState = { level: 0, held: 0, climbAfter: CLIMB_AFTER_SAMPLES };

/** One sample's step, given how they last said our media reaches them. */
export function adapt(state: AdaptationState, theirMark: QualityMark | undefined): AdaptationState {
	if (theirMark === 'poor' && state.level < 2) {
		const held = state.held + 1;
		const needed = state.level === 0 ? REDUCE_AFTER_SAMPLES : AUDIO_ONLY_AFTER_SAMPLES;
		if (held < needed) return { ...state, held };
		const level = (state.level + 1) as SendLevel;
		const climbAfter =
			level === 2 ? Math.min(state.climbAfter * 2, MAX_CLIMB_AFTER_SAMPLES) : state.climbAfter;
		return { level, held: 0, climbAfter };
	}
	if (theirMark === 'good' && state.level > 0) {
		const held = state.held + 1;
		const needed = state.level === 2 ? state.climbAfter : CLIMB_AFTER_SAMPLES;
		if (held < needed) return { ...state, held };
		return { ...state, level: (state.level - 1) as SendLevel, held: 0 };
	}
	// Fair holds where we are; so does poor at the bottom and good at the top.
	return state.held === 0 ? state : { ...state, held: 0 };
}
