/** When a connection is up, for FirstCallFirst: its camera's first frame painted here. */
import { paintedFrames } from './painted-frames.svelte';
import type { Peer } from './peer.svelte';

/**
 * Calls `up` once `peer`'s first camera frame is painted (once connected, for someone who sends
 * no video, `expectsVideo` false), or once it closes or loses its connection; returns what stops
 * watching.
 */
export function whenFirstFrame(
	peer: Peer,
	expectsVideo: (peer: Peer) => boolean,
	up: () => void
): () => void {
	return $effect.root(() => {
		$effect(() => {
			const stream = peer.cameraStream;
			const isUp =
				peer.state === 'closed' ||
				peer.state === 'reconnecting' ||
				(expectsVideo(peer)
					? stream !== undefined && paintedFrames.has(stream)
					: peer.state === 'connected');
			if (isUp) up();
		});
	});
}
