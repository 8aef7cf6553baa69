/** A clock whose time moves only when a test says so, for graces and idle uploads. */
import type { Clock, Timer } from '../../server/clock';

interface PendingTimer {
	at: number;
	callback: () => void;
}

export class ManualClock implements Clock {
	#now = Date.now();
	#timers = new Set<PendingTimer>();

	now(): number {
		return this.#now;
	}

	setTimeout(callback: () => void, ms: number): Timer {
		const timer = { at: this.#now + Math.max(0, ms), callback };
		this.#timers.add(timer);
		return timer;
	}

	clearTimeout(timer: Timer | undefined): void {
		if (timer) this.#timers.delete(timer as PendingTimer);
	}

	get pendingTimers(): number {
		return this.#timers.size;
	}

	/** Moves time forward, running every timer that falls due on the way, in order. */
	advance(ms: number): void {
		const target = this.#now + ms;
		for (;;) {
			const due = [...this.#timers]
				.filter((timer) => timer.at <= target)
				.sort((a, b) => a.at - b.at)[0];
			if (!due) break;
			this.#timers.delete(due);
			this.#now = due.at;
			due.callback();
		}
		this.#now = target;
	}
}
