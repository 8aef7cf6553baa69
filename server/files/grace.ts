/**
 * The file grace. A sender whose connection dropped (a phone changing networks) keeps their
 * files for FILE_GRACE_SECONDS from their last sign of life, so late joiners still get them and
 * an interrupted upload can resume. Their seat has its own grace (RESUME_GRACE_SECONDS) and
 * files never outlive the seat: whichever grace ends first ends the files. Taking the seat back
 * in time keeps everything.
 */
import type { Clock, Timer } from '../clock.ts';

export interface GraceOptions {
	clock: Clock;
	graceMs: number;
	/** Whether the seat is still held for a connection that has not come back. */
	isAway: (roomId: string, peerId: string) => boolean;
	/** The grace ran out with the sender still away: their files go. */
	expire: (roomId: string, peerId: string) => void;
}

export class SenderGrace {
	readonly #options: GraceOptions;
	readonly #timers = new Map<string, Timer>();

	constructor(options: GraceOptions) {
		this.#options = options;
	}

	/** Starts (or restarts) the grace of a sender whose connection dropped `elapsedMs` ago. */
	begin(roomId: string, peerId: string, elapsedMs: number): void {
		const { clock, graceMs, isAway, expire } = this.#options;
		this.cancel(peerId);
		const remainingMs = graceMs - elapsedMs;
		if (remainingMs <= 0) return expire(roomId, peerId);
		const timer = clock.setTimeout(() => {
			this.#timers.delete(peerId);
			if (isAway(roomId, peerId)) expire(roomId, peerId);
		}, remainingMs);
		this.#timers.set(peerId, timer);
	}

	/** The sender came back or left for good: either way this grace is over. */
	cancel(peerId: string): void {
		this.#options.clock.clearTimeout(this.#timers.get(peerId));
		this.#timers.delete(peerId);
	}

	stop(): void {
		for (const timer of this.#timers.values()) this.#options.clock.clearTimeout(timer);
		this.#timers.clear();
	}
}
