/**
 * The encoding each sender of one connection is asked for: the room's send limits for its
 * size (send-limits.ts), and for the camera what quality adaptation allows this one person
 * (quality/adaptation.ts).
 */
import { SCALE_DOWN_AT, type SendLevel } from '../quality/adaptation';
import type { SendLimits } from './send-limits';

export type TransceiverRole = 'audio' | 'camera' | 'screen';

/** Every connection's transceivers, in the order the calling side makes them. */
export const TRANSCEIVERS: readonly TransceiverRole[] = ['audio', 'camera', 'screen'];

export function encodingFor(
	role: TransceiverRole,
	limits: SendLimits,
	level: SendLevel,
	hasTrack: boolean
): RTCRtpEncodingParameters {
	if (role === 'audio') return { priority: 'high', networkPriority: 'high' };
	// Off while nothing is shared: an idle screen sender still took half the starting bitrate,
	// so a newcomer's camera began below what its first frame needs, dropped it and shrank.
	if (role === 'screen') return { maxBitrate: limits.screenBitrate, active: hasTrack };
	return {
		maxBitrate: limits.cameraBitrate,
		scaleResolutionDownBy: limits.cameraScaleDown * SCALE_DOWN_AT[level],
		maxFramerate: limits.cameraFramerate,
		// Audio only, for this person alone, when even a smaller picture is too much for the link.
		active: level < 2
	};
}

/**
 * Writes to the sender only the keys of `wanted` that differ from `before` (what we last asked
 * for; the sender's own values the first time): a value set some other way stays, and
 * reconfiguring a running encoder costs a keyframe when nothing changes. False when the sender
 * has no encoding yet (before the first negotiation), so the caller tries again later.
 */
export async function applyEncoding(
	sender: RTCRtpSender,
	wanted: RTCRtpEncodingParameters,
	before: RTCRtpEncodingParameters | undefined
): Promise<boolean> {
	const differs = (current: RTCRtpEncodingParameters) =>
		(Object.keys(wanted) as (keyof RTCRtpEncodingParameters)[]).filter(
			(key) => current[key] !== wanted[key]
		);
	// Nothing asked for has changed: no need to ask the sender, a call that blocks until WebRTC's
	// own thread answers, and that thread is busiest while connections are being made.
	if (before && differs(before).length === 0) return true;
	const parameters = sender.getParameters();
	const [first] = parameters.encodings ?? [];
	if (!first) return false;
	const keys = differs(before ?? first);
	if (keys.length === 0) return true;
	for (const key of keys) Object.assign(first, { [key]: wanted[key] });
	try {
		await sender.setParameters(parameters);
	} catch {
		// A parameter this browser does not support must not break the call.
	}
	return true;
}
