/** A Svelte attachment that gives a <video> its stream. */
import type { Attachment } from 'svelte/attachments';
import { paintedFrames } from './painted-frames.svelte';

export function videoSource(stream: MediaStream | null | undefined): Attachment<HTMLVideoElement> {
	return (element) => {
		if (element.srcObject !== (stream ?? null)) element.srcObject = stream ?? null;
		if (stream) paintedFrames.watch(element, stream);
		// Videos are muted, so autoplay is always allowed; play() covers a paused element.
		void element.play().catch(() => {});
		return () => {
			// The attachment also re-runs while the element stays (a tile's other props changed);
			// only a removed element lets go of its stream.
			queueMicrotask(() => {
				// A removed <video> keeps its player, and the camera frames that player holds,
				// until it is garbage collected. Those capture buffers are shared by everything
				// that reads the camera, so a few held frames stall the call's encoders too.
				if (!element.isConnected) element.srcObject = null;
			});
		};
	};
}
