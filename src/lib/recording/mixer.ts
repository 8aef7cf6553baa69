/**
 * What this person sees and hears, as one stream MediaRecorder can take: the tiles drawn onto
 * a canvas (captureStream) and every voice mixed by WebAudio into one track. Drawn on a timer
 * rather than animation frames, which stop in a hidden tab and would stop the recording's
 * picture with them.
 */
import { useAudioContext } from '../call/audio-context';

export interface RecordedTile {
	key: string;
	label: string;
	/** Video to draw; none draws their name. */
	video?: MediaStream;
}

export const CANVAS_WIDTH = 960;
export const CANVAS_HEIGHT = 540;
export const FRAMES_PER_SECOND = 15;
/** The longest the picture holds still while someone's media is on its way. */
export const MAX_HOLD_MS = 1500;

export class CallMixer {
	readonly stream: MediaStream;

	#canvas = document.createElement('canvas');
	#context: CanvasRenderingContext2D;
	#players = new Map<MediaStream, HTMLVideoElement>();
	#audioUse = useAudioContext();
	#audio = this.#audioUse.context;
	#destination: MediaStreamAudioDestinationNode;
	#voices = new Map<MediaStream, MediaStreamAudioSourceNode>();
	#timer: ReturnType<typeof setInterval>;
	#tiles: () => RecordedTile[];
	#voiceStreams: () => MediaStream[];
	#isAwaitingMedia: () => boolean;
	#heldSince: number | undefined;

	constructor(
		tiles: () => RecordedTile[],
		voices: () => MediaStream[],
		isAwaitingMedia: () => boolean = () => false
	) {
		this.#tiles = tiles;
		this.#voiceStreams = voices;
		this.#isAwaitingMedia = isAwaitingMedia;
		this.#canvas.width = CANVAS_WIDTH;
		this.#canvas.height = CANVAS_HEIGHT;
		this.#context = this.#canvas.getContext('2d', { alpha: false })!;
		this.#destination = this.#audio.createMediaStreamDestination();
		this.#draw();
		const [video] = this.#canvas.captureStream(FRAMES_PER_SECOND).getVideoTracks();
		const [audio] = this.#destination.stream.getAudioTracks();
		this.stream = new MediaStream([video!, audio!]);
		this.#timer = setInterval(() => this.#draw(), 1000 / FRAMES_PER_SECOND);
	}

	stop(): void {
		clearInterval(this.#timer);
		for (const track of this.stream.getTracks()) track.stop();
		for (const player of this.#players.values()) player.srcObject = null;
		this.#players.clear();
		for (const voice of this.#voices.values()) voice.disconnect();
		this.#voices.clear();
		// The page's context goes on for the voice meter, if it has one.
		this.#destination.disconnect();
		this.#audioUse.release();
	}

	#draw(): void {
		this.#mixVoices();
		if (this.#isHoldingStill()) return;
		const tiles = this.#tiles();
		const context = this.#context;
		context.fillStyle = '#11131a';
		context.fillRect(0, 0, CANVAS_WIDTH, CANVAS_HEIGHT);
		const columns = Math.ceil(Math.sqrt(tiles.length));
		const rows = Math.max(1, Math.ceil(tiles.length / columns));
		const width = CANVAS_WIDTH / columns;
		const height = CANVAS_HEIGHT / rows;
		const used = new Set<MediaStream>();
		tiles.forEach((tile, index) => {
			const x = (index % columns) * width;
			const y = Math.floor(index / columns) * height;
			const player = tile.video && this.#player(tile.video);
			if (tile.video) used.add(tile.video);
			if (player && player.videoWidth > 0) {
				// Fit inside the cell, keeping its shape, as the tile's object-fit: contain.
				const scale = Math.min(width / player.videoWidth, height / player.videoHeight);
				const w = player.videoWidth * scale;
				const h = player.videoHeight * scale;
				context.drawImage(player, x + (width - w) / 2, y + (height - h) / 2, w, h);
			}
			context.fillStyle = '#fff';
			context.font = '600 20px system-ui, sans-serif';
			context.fillText(tile.label, x + 12, y + height - 14, width - 24);
		});
		for (const [stream, player] of this.#players) {
			if (used.has(stream)) continue;
			player.srcObject = null;
			this.#players.delete(stream);
		}
	}

	/**
	 * While someone's connection is being made the picture holds still: every frame drawn here
	 * is encoded again by MediaRecorder, on the CPU their first frames need (a phone has two
	 * cores), and their tile would only show their name meanwhile. Voices go on being mixed.
	 */
	#isHoldingStill(): boolean {
		if (!this.#isAwaitingMedia()) {
			this.#heldSince = undefined;
			return false;
		}
		const now = performance.now();
		this.#heldSince ??= now;
		return now - this.#heldSince < MAX_HOLD_MS;
	}

	#player(stream: MediaStream): HTMLVideoElement {
		let player = this.#players.get(stream);
		if (!player) {
			player = document.createElement('video');
			player.muted = true;
			player.playsInline = true;
			player.srcObject = stream;
			void player.play().catch(() => {});
			this.#players.set(stream, player);
		}
		return player;
	}

	/** Voices come and go as people join, leave and turn their mic on. */
	#mixVoices(): void {
		const streams = new Set(this.#voiceStreams().filter((s) => s.getAudioTracks().length > 0));
		for (const stream of streams) {
			if (this.#voices.has(stream)) continue;
			const source = this.#audio.createMediaStreamSource(stream);
			source.connect(this.#destination);
			this.#voices.set(stream, source);
		}
		for (const [stream, source] of this.#voices) {
			if (streams.has(stream)) continue;
			source.disconnect();
			this.#voices.delete(stream);
		}
	}
}
