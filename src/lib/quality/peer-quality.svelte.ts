/**
 * One remote person's connection as the call shows it: the mark on their tile, the figures
 * behind it, and what each side is sending the other to spare the link.
 */
import {
	figuresBetween,
	snapshotOf,
	type QualityFigures,
	type StatsEntry,
	type StatsSnapshot
} from './figures';
import { FULL, adapt, type AdaptationState, type SendLevel } from './adaptation';
import { gradeOf, nextExpectedFrames, settle, type MarkState, type QualityMark } from './mark';

export class PeerQuality {
	/** Undefined until two samples have been compared. */
	mark = $state<QualityMark>();
	figures = $state.raw<QualityFigures>();
	/** What we send them: 2 means audio only (said on their tile). */
	sendLevel = $state<SendLevel>(0);
	/** What they send us: 2 means they paused their video for this link. */
	theirSendLevel = $state<SendLevel>(0);
	/** How they last said our media reaches them. */
	theirMark: QualityMark | undefined;

	#last: StatsSnapshot | undefined;
	#markState: MarkState | undefined;
	#expectedFrames: number | undefined;
	#adaptation: AdaptationState = FULL;

	/**
	 * Takes one getStats() report. `isVideoExpected` is false when their camera is off or paused,
	 * so missing frames are not held against the link. Returns the mark when it changed.
	 */
	sample(
		entries: Iterable<StatsEntry>,
		atMs: number,
		isVideoExpected: boolean
	): QualityMark | undefined {
		const snapshot = snapshotOf(entries, atMs);
		const before = this.#last;
		this.#last = snapshot;
		if (!before) return undefined;
		const figures = figuresBetween(before, snapshot);
		this.figures = figures;
		if (!isVideoExpected) this.#expectedFrames = undefined;
		const expected = isVideoExpected ? this.#expectedFrames : undefined;
		this.#expectedFrames = isVideoExpected
			? nextExpectedFrames(this.#expectedFrames, figures.framesPerSecond)
			: undefined;
		const previous = this.#markState?.mark;
		this.#markState = settle(this.#markState, gradeOf(figures, expected));
		this.mark = this.#markState.mark;
		return this.mark !== previous ? this.mark : undefined;
	}

	/** One step of what we send them; returns the new level when it changed. */
	adapt(): SendLevel | undefined {
		const before = this.#adaptation.level;
		this.#adaptation = adapt(this.#adaptation, this.theirMark);
		this.sendLevel = this.#adaptation.level;
		return this.sendLevel !== before ? this.sendLevel : undefined;
	}

	/** A hidden page's gap would average a minute into one figure: start comparing afresh. */
	forgetLastSample(): void {
		this.#last = undefined;
	}
}
