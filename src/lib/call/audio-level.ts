/**
 * Loudness of a track from 0 to 1, for level meters and the speaking indicator. Local tracks
 * go through an analyser; remote ones use the level the receiver already computes, which
 * costs nothing and works while the audio is playing elsewhere.
 */
import { useAudioContext } from './audio-context';

export interface LevelReader {
	read(): number;
	close(): void;
}

export function localLevel(track: MediaStreamTrack): LevelReader {
	const { context, release } = useAudioContext();
	const source = context.createMediaStreamSource(new MediaStream([track]));
	const analyser = context.createAnalyser();
	analyser.fftSize = 512;
	source.connect(analyser);
	const samples = new Float32Array(analyser.fftSize);
	return {
		read() {
			if (!track.enabled || track.readyState !== 'live') return 0;
			analyser.getFloatTimeDomainData(samples);
			let sum = 0;
			for (const sample of samples) sum += sample * sample;
			// RMS of speech sits around 0.02–0.2; scale so a normal voice fills most of a meter.
			return Math.min(1, Math.sqrt(sum / samples.length) * 4);
		},
		close() {
			source.disconnect();
			release();
		}
	};
}

export function remoteLevel(receiver: RTCRtpReceiver | undefined): number {
	const [source] = receiver?.getSynchronizationSources?.() ?? [];
	if (!source) return 0;
	return Math.min(1, (source.audioLevel ?? 0) * 2);
}

/** Above this a person counts as speaking. */
export const SPEAKING_LEVEL = 0.08;
