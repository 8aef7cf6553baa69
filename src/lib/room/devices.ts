/** Which kinds of capture device this browser has, without asking for permission. */
import type { Media } from '../protocol';

export async function availableMedia(): Promise<Media> {
	try {
		const devices = (await navigator.mediaDevices?.enumerateDevices()) ?? [];
		return {
			audio: devices.some((device) => device.kind === 'audioinput'),
			video: devices.some((device) => device.kind === 'videoinput')
		};
	} catch {
		return { audio: false, video: false };
	}
}
