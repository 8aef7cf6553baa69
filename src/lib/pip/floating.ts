/**
 * The floating window itself: Document Picture-in-Picture where the browser has it (a small
 * page of our own, which can show the name under the video), else the video element's own
 * picture-in-picture. Both must be opened straight from a click.
 */

export type FloatingKind = 'document' | 'video';

interface DocumentPictureInPicture {
	requestWindow(options?: { width?: number; height?: number }): Promise<Window>;
	window: Window | null;
}

function documentPip(): DocumentPictureInPicture | undefined {
	return (window as unknown as { documentPictureInPicture?: DocumentPictureInPicture })
		.documentPictureInPicture;
}

export function floatingKind(): FloatingKind | undefined {
	if (typeof window === 'undefined') return undefined;
	if (documentPip()) return 'document';
	if (document.pictureInPictureEnabled && 'requestPictureInPicture' in HTMLVideoElement.prototype) {
		return 'video';
	}
	return undefined;
}

export interface FloatingWindow {
	show(stream: MediaStream | undefined, label: string): void;
	close(): void;
}

const STYLE = `
	html, body { margin: 0; height: 100%; background: #11131a; color: #fff; font: 600 14px system-ui, sans-serif; }
	video { position: fixed; inset: 0; width: 100%; height: 100%; object-fit: contain; background: #000; }
	p { position: fixed; left: 8px; bottom: 8px; margin: 0; padding: 2px 8px; border-radius: 999px; background: rgb(0 0 0 / 0.55); }
`;

function makeVideo(owner: Document): HTMLVideoElement {
	const video = owner.createElement('video');
	video.autoplay = true;
	video.muted = true; // the call's own <audio> elements keep playing the voices
	video.playsInline = true;
	return video;
}

function setStream(video: HTMLVideoElement, stream: MediaStream | undefined): void {
	if (video.srcObject === (stream ?? null)) return;
	video.srcObject = stream ?? null;
	void video.play().catch(() => {});
}

/** Opens the window; `onClosed` runs however it closes (its own close button, too). */
export async function openFloating(
	kind: FloatingKind,
	onClosed: () => void
): Promise<FloatingWindow> {
	if (kind === 'document') {
		const pip = await documentPip()!.requestWindow({ width: 360, height: 240 });
		const style = pip.document.createElement('style');
		style.textContent = STYLE;
		const video = makeVideo(pip.document);
		const caption = pip.document.createElement('p');
		pip.document.head.append(style);
		pip.document.body.append(video, caption);
		pip.addEventListener('pagehide', onClosed, { once: true });
		return {
			show: (stream, label) => {
				setStream(video, stream);
				caption.textContent = label;
				pip.document.title = label;
			},
			close: () => pip.close()
		};
	}
	const video = makeVideo(document);
	video.className = 'visually-hidden';
	video.setAttribute('aria-hidden', 'true');
	document.body.append(video);
	const cleanUp = () => {
		video.srcObject = null;
		video.remove();
		onClosed();
	};
	video.addEventListener('leavepictureinpicture', cleanUp, { once: true });
	let opened = false;
	return {
		show: (stream) => {
			setStream(video, stream);
			if (opened || !stream) return;
			opened = true;
			// Metadata first: a video without any is refused the window.
			const request = () => void video.requestPictureInPicture().catch(cleanUp);
			if (video.readyState >= HTMLMediaElement.HAVE_METADATA) request();
			else video.addEventListener('loadedmetadata', request, { once: true });
		},
		close: () => {
			if (document.pictureInPictureElement === video) void document.exitPictureInPicture();
			else cleanUp();
		}
	};
}
