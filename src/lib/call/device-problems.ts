/** Why a camera or microphone is off, in words a person can act on. */
export type DeviceProblem = 'denied' | 'busy' | 'missing' | 'insecure' | 'unknown';

export function deviceProblemOf(error: unknown): DeviceProblem {
	const name = error instanceof DOMException || error instanceof Error ? error.name : '';
	switch (name) {
		case 'NotAllowedError':
		case 'SecurityError':
			return 'denied';
		case 'NotReadableError':
		case 'AbortError':
			return 'busy';
		case 'NotFoundError':
		case 'OverconstrainedError':
			return 'missing';
		default:
			return 'unknown';
	}
}

const deviceWords = (audio: boolean, video: boolean) =>
	audio && video ? 'camera and microphone' : audio ? 'microphone' : 'camera';

export function describeDeviceProblem(
	audio: DeviceProblem | undefined,
	video: DeviceProblem | undefined
): string {
	const problems = new Map<DeviceProblem, { audio: boolean; video: boolean }>();
	for (const [problem, isAudio] of [
		[audio, true],
		[video, false]
	] as const) {
		if (!problem) continue;
		const entry = problems.get(problem) ?? { audio: false, video: false };
		entry[isAudio ? 'audio' : 'video'] = true;
		problems.set(problem, entry);
	}
	return [...problems]
		.map(([problem, which]) => {
			const device = deviceWords(which.audio, which.video);
			switch (problem) {
				case 'denied':
					return `Your ${device} is blocked. Allow it with the icon next to the address bar, then try again.`;
				case 'busy':
					return `Your ${device} is in use by another app. Close that app, then try again.`;
				case 'missing':
					return `No ${device} was found. You can still join and listen.`;
				case 'insecure':
					return `This page is not secure (https), so the browser offers no ${device}.`;
				default:
					return `Your ${device} could not be started.`;
			}
		})
		.join(' ');
}
