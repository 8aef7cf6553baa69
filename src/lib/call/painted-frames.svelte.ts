/**
 * Streams whose first frame a <video> on this page has painted (reactive). A remote camera's
 * first packets come tens of milliseconds before its first frame is on screen, and the rest of
 * the call's drawing, put off until then, took the main thread in between on a busy machine.
 */
class PaintedFrames {
	readonly #painted = new WeakSet<MediaStream>();
	/** Bumped at each new stream painted: what makes `has` reactive. */
	#count = $state(0);

	has(stream: MediaStream): boolean {
		void this.#count;
		return this.#painted.has(stream);
	}

	/** Notes `stream` once `video`, which shows it, has painted a frame of it. */
	watch(video: HTMLVideoElement, stream: MediaStream): void {
		if (this.#painted.has(stream)) return;
		const painted = () => {
			// The element may have moved on to another stream meanwhile.
			if (video.srcObject !== stream || this.#painted.has(stream)) return;
			this.#painted.add(stream);
			this.#count += 1;
		};
		if ('requestVideoFrameCallback' in video) video.requestVideoFrameCallback(painted);
		else (video as HTMLVideoElement).addEventListener('loadeddata', painted, { once: true });
	}
}

export const paintedFrames = new PaintedFrames();
