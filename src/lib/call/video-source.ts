/** A Svelte attachment that gives a <video> its stream. */
import type { Attachment } from 'svelte/attachments';

export function videoSource(stream: MediaStream | null | undefined): Attachment<HTMLVideoElement> {
	return (element) => {
		if (element.srcObject !== (stream ?? null)) element.srcObject = stream ?? null;
		// Videos are muted, so autoplay is always allowed; play() covers a paused element.
		void element.play().catch(() => {});
	};
}
