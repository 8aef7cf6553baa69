/**
 * The page's one AudioContext, shared by the voice meter and the recording's mix. Each context
 * runs a real-time audio thread of its own and opens an output stream in the browser: a second
 * one, made as a recording started, was that much more for a two-core phone to start and run.
 */
let shared: AudioContext | undefined;

/** The shared context, resumed (which takes effect once the page has had a user gesture). */
export function sharedAudioContext(): AudioContext {
	shared ??= new AudioContext();
	void shared.resume().catch(() => {});
	return shared;
}
