/**
 * The newcomer's calls come up one at a time until the first person is on screen.
 *
 * A page's connections share one WebRTC signaling thread, and the newcomer's three answers in
 * a call of four arrived within tens of milliseconds of each other: setting each answer (and
 * adding the candidates behind it) queued there in arrival order, taking 100 to 300 ms each on a
 * busy machine, while the first connection's own steps and even the painting of its first frame
 * waited behind them. So the connection whose answer came first goes on alone; the others'
 * answers and candidates are held until its first frame is painted (or, for someone without a
 * camera, until it is connected), or for at most `HOLD_MAX_MS`.
 */
import type { SignalPayload } from '../protocol';
import { paintedFrames } from './painted-frames.svelte';
import type { Peer } from './peer.svelte';

/** The longest the others' answers wait for the first connection: one that fails must not. */
const HOLD_MAX_MS = 1500;

export class FirstCallFirst {
	/** The connection whose answer came first, while the others wait for it. */
	#first: Peer | undefined;
	#held: (() => void)[] = [];
	#isOver = false;
	#stopWatching: () => void = () => {};
	#expectsVideo: (peer: Peer) => boolean;

	/** `expectsVideo`: whether that person sends their camera (their first frame is awaited). */
	constructor(expectsVideo: (peer: Peer) => boolean) {
		this.#expectsVideo = expectsVideo;
	}

	/**
	 * Hands `payload` to `peer` now, or once the first connection is up. Only this page's first
	 * calls (it called them, as it joined) wait: anyone calling it is answered at once.
	 */
	deliver(peer: Peer, payload: SignalPayload): void {
		const handle = () => void peer.handleSignal(payload);
		if (this.#isOver || !peer.isInitiator || peer === this.#first) return handle();
		if (!this.#first) {
			if (!('description' in payload) || payload.description.type !== 'answer') return handle();
			this.#first = peer;
			handle();
			this.#watch(peer);
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

	#watch(peer: Peer): void {
		const timer = setTimeout(() => this.release(), HOLD_MAX_MS);
		const stopEffect = $effect.root(() => {
			$effect(() => {
				const stream = peer.cameraStream;
				const isUp =
					peer.state === 'closed' ||
					peer.state === 'reconnecting' ||
					(this.#expectsVideo(peer)
						? stream !== undefined && paintedFrames.has(stream)
						: peer.state === 'connected');
				// Not within the frame's callbacks: the held answers' first calls block for tens of
				// milliseconds, and the other callbacks of that frame (its painting) would wait.
				if (isUp) setTimeout(() => this.release());
			});
		});
		this.#stopWatching = () => {
			clearTimeout(timer);
			stopEffect();
		};
	}
}
