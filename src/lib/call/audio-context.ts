/**
 * The page's one AudioContext, shared by the voice meter and the recording's mix. Each context
 * runs a real-time audio thread of its own and opens an output stream in the browser: a second
 * one, made as a recording started, was that much more for a two-core phone to start and run.
 * It is suspended while nothing uses it (a recording stopped on a page without a microphone).
 */
let shared: AudioContext | undefined;
let users = 0;

export interface AudioContextUse {
	context: AudioContext;
	/** This use is over; the context is suspended once every use is. */
	release(): void;
}

/** The shared context, resumed (which takes effect once the page has had a user gesture). */
export function useAudioContext(): AudioContextUse {
	const context = (shared ??= new AudioContext());
	users += 1;
	void context.resume().catch(() => {});
	let isInUse = true;
	return {
		context,
		release() {
			if (!isInUse) return;
			isInUse = false;
			users -= 1;
			if (users === 0) void context.suspend().catch(() => {});
		}
	};
}
