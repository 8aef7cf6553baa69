/**
 * Reaching the page's RTCPeerConnections from a test without a hook in the app: an init
 * script wraps the constructor before the app loads and keeps every connection it makes.
 */
import type { BrowserContext, Page } from '@playwright/test';

export async function recordPeerConnections(context: BrowserContext): Promise<void> {
	await context.addInitScript(() => {
		const made: RTCPeerConnection[] = [];
		const Native = window.RTCPeerConnection;
		class Recorded extends Native {
			constructor(configuration?: RTCConfiguration) {
				super(configuration);
				made.push(this);
			}
		}
		Object.assign(window, { RTCPeerConnection: Recorded, madePeerConnections: made });
	});
}

/**
 * Sets encoding parameters on the camera sender (the second transceiver) of the page's one
 * connected peer connection, and returns the encoding as it then stands.
 */
export async function setCameraEncoding(
	page: Page,
	encoding: Partial<RTCRtpEncodingParameters>
): Promise<RTCRtpEncodingParameters> {
	return page.evaluate(async (wanted) => {
		const { madePeerConnections } = window as unknown as {
			madePeerConnections: RTCPeerConnection[];
		};
		const pc = madePeerConnections.find((made) => made.connectionState === 'connected')!;
		const sender = pc.getTransceivers()[1]!.sender;
		// The app may set parameters of its own at the same moment, which voids ours: try again.
		for (let attempt = 0; ; attempt++) {
			const parameters = sender.getParameters();
			Object.assign(parameters.encodings[0]!, wanted);
			try {
				await sender.setParameters(parameters);
				return { ...sender.getParameters().encodings[0]! };
			} catch (error) {
				if (attempt > 5) throw error;
			}
		}
	}, encoding);
}

export async function cameraEncoding(page: Page): Promise<RTCRtpEncodingParameters> {
	return page.evaluate(() => {
		const { madePeerConnections } = window as unknown as {
			madePeerConnections: RTCPeerConnection[];
		};
		const pc = madePeerConnections.find((made) => made.connectionState === 'connected')!;
		return { ...pc.getTransceivers()[1]!.sender.getParameters().encodings[0]! };
	});
}

/** The height of the camera video this page receives, as its decoder reports it. */
export async function receivedFrameHeight(page: Page): Promise<number> {
	return page.evaluate(async () => {
		const { madePeerConnections } = window as unknown as {
			madePeerConnections: RTCPeerConnection[];
		};
		const pc = madePeerConnections.find((made) => made.connectionState === 'connected')!;
		const stats = await pc.getTransceivers()[1]!.receiver.getStats();
		for (const entry of stats.values()) {
			if (entry.type === 'inbound-rtp') return (entry.frameHeight as number | undefined) ?? 0;
		}
		return 0;
	});
}
