/**
 * The newcomer's calls come up one at a time until the first person is on screen.
 *
 * A page's connections share one WebRTC signaling thread, and the newcomer's three answers in
 * a call of four arrived within tens of milliseconds of each other: setting each answer (and
 * adding the candidates behind it) queued there in arrival order, taking 100 to 300 ms each on a
 * busy machine, while the first connection's own steps and even the painting of its first frame
 * waited behind them. So the connection whose answer came first goes on alone; the others'
 * answers and candidates are held until it is up (`whenUp`: its first frame painted), or for at
 * most `HOLD_MAX_MS`.
 */
import type { SignalPayload } from '../protocol';

/** The longest the others' answers wait for the first connection: one that fails must not. */
export const HOLD_MAX_MS = 1500;

/** What the order needs of a connection (a Peer). */
export interface Call {
	/** This side sent the first offer: one of the calls it made as it joined. */
	readonly isInitiator: boolean;
	handleSignal(payload: SignalPayload): Promise<void>;
}

/** Calls `up` once `call` is up; returns what stops watching. */
export type WhenUp<C extends Call> = (call: C, up: () => void) => () => void;

export class FirstCallFirst<C extends Call> {
	/** The connection whose answer came first, while the others wait for it. */
	#first: C | undefined;
	#held: (() => void)[] = [];
	#isOver = false;
	#stopWatching: () => void = () => {};
	#whenUp: WhenUp<C>;

	constructor(whenUp: WhenUp<C>) {
		this.#whenUp = whenUp;
	}

	/**
	 * Hands `payload` to `call` now, or once the first connection is up. Only this page's first
	 * calls (it called them, as it joined) wait: anyone calling it is answered at once.
	 */
	deliver(call: C, payload: SignalPayload): void {
		const handle = () => void call.handleSignal(payload);
		if (this.#isOver || !call.isInitiator || call === this.#first) return handle();
		if (!this.#first) {
			if (!('description' in payload) || payload.description.type !== 'answer') return handle();
			this.#first = call;
			handle();
			const timer = setTimeout(() => this.release(), HOLD_MAX_MS);
			// Not within the callback that saw it up (a frame's, for a painted frame): the held
			// answers' first calls block for tens of milliseconds, and the rest of it would wait.
			const stopWatching = this.#whenUp(call, () => setTimeout(() => this.release()));
			this.#stopWatching = () => {
				clearTimeout(timer);
				stopWatching();
			};
			return;
		}
		this.#held.push(handle);
	}

	/** Lets every held signal through, in the order it came, and every later one at once. */
	release(): void {
		if (this.#isOver) return;
		this.#isOver = true;
		this.#stopWatching();
		for (const handle of this.#held.splice(0)) handle();
	}

	/** For a call that ends: the held signals are for connections being closed. */
	stop(): void {
		this.#held = [];
		this.release();
	}
}
