/**
 * What the camera and microphone are asked for. Kept apart from LocalMedia so the call
 * benchmark's bare floor opens the camera exactly as Dropcall does.
 */

/**
 * 640×480 rather than 720p: in a mesh every person uploads one copy per other person, and
 * on the machines we measured the first remote frame arrived in 285 ms instead of 370 ms.
 * The frame rate is an ideal, not a maximum: a hard cap makes the track drop frames that
 * come in a little early, and each sender caps its own frame rate (send-limits.ts).
 */
export const cameraConstraints: MediaTrackConstraints = {
	width: { ideal: 640 },
	height: { ideal: 480 },
	frameRate: { ideal: 30 }
};

export const microphoneConstraints: MediaTrackConstraints = {
	echoCancellation: true,
	noiseSuppression: true,
	autoGainControl: true
};
