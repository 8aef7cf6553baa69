/** Why a camera or microphone is off, in words a person can act on. */
import { m } from '../paraglide/messages.js';

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
	audio && video
		? m.device_camera_and_microphone()
		: audio
			? m.device_microphone()
			: m.device_camera();

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
					return m.problem_denied({ device });
				case 'busy':
					return m.problem_busy({ device });
				case 'missing':
					return m.problem_missing({ device });
				case 'insecure':
					return m.problem_insecure({ device });
				default:
					return m.problem_unknown({ device });
			}
		})
		.join(' ');
}
