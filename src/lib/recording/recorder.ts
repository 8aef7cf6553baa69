/**
 * One local recording: the mixed call into MediaRecorder, each chunk handed to its sink the
 * moment it comes (every second) so nothing piles up in this page. WebM where the browser
 * records it, MP4 where that is what it has (Safari).
 */
import { CallMixer, type RecordedTile } from './mixer';
import { blobSink, fileNameFor, fileSink, hasFilePicker, type RecordingSink } from './sink';

const TYPES = [
	{ mimeType: 'video/webm;codecs=vp8,opus', extension: 'webm' },
	{ mimeType: 'video/webm', extension: 'webm' },
	{ mimeType: 'video/mp4', extension: 'mp4' }
] as const;

const CHUNK_MS = 1000;

export function canRecord(): boolean {
	return (
		typeof MediaRecorder !== 'undefined' &&
		typeof HTMLCanvasElement.prototype.captureStream === 'function' &&
		TYPES.some((type) => MediaRecorder.isTypeSupported(type.mimeType))
	);
}

export interface RecorderSources {
	tiles: () => RecordedTile[];
	voices: () => MediaStream[];
	/** Someone's media is on its way: the picture may hold still meanwhile. */
	isAwaitingMedia: () => boolean;
	/** Words for the file type in the save dialog. */
	fileDescription: string;
}

export class Recorder {
	#mixer: CallMixer;
	#recorder: MediaRecorder;
	#sink: RecordingSink;
	#stopped: Promise<void>;

	private constructor(mixer: CallMixer, recorder: MediaRecorder, sink: RecordingSink) {
		this.#mixer = mixer;
		this.#recorder = recorder;
		this.#sink = sink;
		recorder.ondataavailable = ({ data }) => {
			if (data.size > 0) void sink.write(data);
		};
		this.#stopped = new Promise((resolve) => (recorder.onstop = () => resolve()));
		recorder.start(CHUNK_MS);
	}

	/** Starts recording; undefined when the person cancelled the save dialog. */
	static async start(sources: RecorderSources): Promise<Recorder | undefined> {
		const type = TYPES.find((candidate) => MediaRecorder.isTypeSupported(candidate.mimeType))!;
		const name = fileNameFor(new Date(), type.extension);
		// The save dialog first: it needs the click's user activation, which awaiting spends.
		const sink = hasFilePicker()
			? await fileSink(name, type.mimeType, sources.fileDescription)
			: blobSink(name, type.mimeType);
		if (!sink) return undefined;
		const mixer = new CallMixer(sources.tiles, sources.voices, sources.isAwaitingMedia);
		try {
			return new Recorder(
				mixer,
				new MediaRecorder(mixer.stream, { mimeType: type.mimeType }),
				sink
			);
		} catch (error) {
			mixer.stop();
			await sink.abort();
			throw error;
		}
	}

	/** Stops and saves: the file is complete once this settles. */
	async stop(): Promise<void> {
		if (this.#recorder.state !== 'inactive') this.#recorder.stop();
		// The last chunk comes with the stop, before the 'stop' event.
		await this.#stopped;
		this.#mixer.stop();
		await this.#sink.close();
	}
}
