/**
 * The tracks this person sends, shared by every peer connection: microphone, camera and
 * screen. Peers follow `audioTrack`, `videoTrack` and `screenTrack` and swap them into their
 * senders with replaceTrack, so nothing here ever renegotiates.
 */
import { createContext } from 'svelte';
import type { Media } from '../protocol';
import { cameraConstraints, microphoneConstraints } from './capture';
import { describeDeviceProblem, deviceProblemOf, type DeviceProblem } from './device-problems';

export type Facing = 'user' | 'environment';

export class LocalMedia {
	audioTrack = $state.raw<MediaStreamTrack | null>(null);
	videoTrack = $state.raw<MediaStreamTrack | null>(null);
	screenTrack = $state.raw<MediaStreamTrack | null>(null);
	isMuted = $state(false);
	cameras = $state.raw<MediaDeviceInfo[]>([]);
	microphones = $state.raw<MediaDeviceInfo[]>([]);
	speakers = $state.raw<MediaDeviceInfo[]>([]);
	cameraId = $state('');
	microphoneId = $state('');
	speakerId = $state('');
	facing = $state<Facing | undefined>();
	audioProblem = $state<DeviceProblem>();
	videoProblem = $state<DeviceProblem>();
	isBusy = $state(false);

	readonly media: Media = $derived({
		audio: this.audioTrack !== null,
		video: this.videoTrack !== null,
		muted: this.isMuted,
		screen: this.screenTrack !== null
	});
	readonly isMirrored = $derived(this.videoTrack !== null && this.facing !== 'environment');
	readonly canShareScreen =
		typeof navigator !== 'undefined' && !!navigator.mediaDevices?.getDisplayMedia;
	readonly canChooseSpeaker =
		typeof HTMLMediaElement !== 'undefined' && 'setSinkId' in HTMLMediaElement.prototype;
	readonly problemWords = $derived(
		[this.audioProblem, this.videoProblem].some(Boolean)
			? describeDeviceProblem(this.audioProblem, this.videoProblem)
			: ''
	);

	#onDeviceChange = () => void this.refreshDevices();

	constructor() {
		navigator.mediaDevices?.addEventListener('devicechange', this.#onDeviceChange);
	}

	/**
	 * Opens what the person asked for, falling back instead of failing: camera and mic, then
	 * mic alone, then nothing, remembering why each device is off so the UI can say so.
	 */
	async start(wants: { audio: boolean; video: boolean }): Promise<void> {
		this.isBusy = true;
		try {
			if (!navigator.mediaDevices?.getUserMedia) {
				const problem: DeviceProblem = window.isSecureContext ? 'missing' : 'insecure';
				if (wants.audio) this.audioProblem = problem;
				if (wants.video) this.videoProblem = problem;
				return;
			}
			if (wants.audio && wants.video) {
				try {
					const stream = await navigator.mediaDevices.getUserMedia({
						audio: this.#audioConstraints(),
						video: this.#videoConstraints()
					});
					this.#adopt(stream);
					return;
				} catch {
					// One failing device must not take the other down with it: try them one by one.
				}
			}
			if (wants.audio) await this.#openMicrophone();
			if (wants.video) await this.#openCamera();
		} finally {
			this.isBusy = false;
			await this.refreshDevices();
		}
	}

	async refreshDevices(): Promise<void> {
		const devices = (await navigator.mediaDevices?.enumerateDevices().catch(() => [])) ?? [];
		this.cameras = devices.filter((device) => device.kind === 'videoinput' && device.deviceId);
		this.microphones = devices.filter((device) => device.kind === 'audioinput' && device.deviceId);
		this.speakers = devices.filter((device) => device.kind === 'audiooutput' && device.deviceId);
	}

	setMuted(isMuted: boolean): void {
		// Muting disables the track rather than stopping it: unmuting is instant and never asks
		// for permission again.
		this.isMuted = isMuted;
		if (this.audioTrack) this.audioTrack.enabled = !isMuted;
	}

	async toggleMicrophone(): Promise<void> {
		if (!this.audioTrack) {
			await this.#openMicrophone();
			this.setMuted(false);
			await this.refreshDevices();
			return;
		}
		this.setMuted(!this.isMuted);
	}

	async toggleCamera(): Promise<void> {
		if (this.videoTrack) return this.stopCamera();
		await this.#openCamera();
		await this.refreshDevices();
	}

	stopCamera(): void {
		this.videoTrack?.stop();
		this.videoTrack = null;
	}

	/** Front/back on phones, or the next camera on a computer with several. */
	async switchCamera(): Promise<void> {
		if (this.cameras.length > 1 && !this.facing) {
			const index = this.cameras.findIndex((camera) => camera.deviceId === this.cameraId);
			const next = this.cameras[(index + 1) % this.cameras.length];
			if (next) return this.chooseCamera(next.deviceId);
		}
		this.facing = this.facing === 'environment' ? 'user' : 'environment';
		this.cameraId = '';
		await this.#reopenCamera();
	}

	async chooseCamera(deviceId: string): Promise<void> {
		this.cameraId = deviceId;
		this.facing = undefined;
		if (this.videoTrack) await this.#reopenCamera();
	}

	async chooseMicrophone(deviceId: string): Promise<void> {
		this.microphoneId = deviceId;
		if (!this.audioTrack) return;
		this.audioTrack.stop();
		this.audioTrack = null;
		await this.#openMicrophone();
	}

	async startScreenShare(): Promise<void> {
		if (!this.canShareScreen || this.screenTrack) return;
		try {
			const stream = await navigator.mediaDevices.getDisplayMedia({
				video: { frameRate: { ideal: 15, max: 30 } },
				audio: false
			});
			const [track] = stream.getVideoTracks();
			if (!track) return;
			track.contentHint = 'detail';
			// The browser's own "Stop sharing" bar ends the track without asking us.
			track.addEventListener('ended', () => {
				if (this.screenTrack === track) this.screenTrack = null;
			});
			this.screenTrack = track;
		} catch {
			// Cancelling the picker is a choice, not an error.
		}
	}

	stopScreenShare(): void {
		this.screenTrack?.stop();
		this.screenTrack = null;
	}

	/** Releases every device: the camera light goes off. */
	stop(): void {
		for (const track of [this.audioTrack, this.videoTrack, this.screenTrack]) track?.stop();
		this.audioTrack = null;
		this.videoTrack = null;
		this.screenTrack = null;
	}

	dispose(): void {
		this.stop();
		navigator.mediaDevices?.removeEventListener('devicechange', this.#onDeviceChange);
	}

	async #reopenCamera(): Promise<void> {
		// Phones allow one open camera at a time (iOS fails the second getUserMedia, many
		// Androids return a black track), so the old one is stopped before the new one opens.
		this.stopCamera();
		await this.#openCamera();
	}

	async #openMicrophone(): Promise<void> {
		try {
			const stream = await navigator.mediaDevices.getUserMedia({
				audio: this.#audioConstraints()
			});
			this.#adopt(stream);
		} catch (error) {
			this.audioProblem = deviceProblemOf(error);
		}
	}

	async #openCamera(): Promise<void> {
		try {
			const stream = await navigator.mediaDevices.getUserMedia({
				video: this.#videoConstraints()
			});
			this.#adopt(stream);
		} catch (error) {
			this.videoProblem = deviceProblemOf(error);
		}
	}

	#adopt(stream: MediaStream): void {
		const [audio] = stream.getAudioTracks();
		const [video] = stream.getVideoTracks();
		if (audio) {
			this.audioTrack?.stop();
			audio.enabled = !this.isMuted;
			this.audioTrack = audio;
			this.audioProblem = undefined;
			this.microphoneId = audio.getSettings().deviceId ?? this.microphoneId;
		}
		if (video) {
			this.videoTrack?.stop();
			video.contentHint = 'motion';
			this.videoTrack = video;
			this.videoProblem = undefined;
			const settings = video.getSettings();
			this.cameraId = settings.deviceId ?? this.cameraId;
			const facing = settings.facingMode;
			if (facing === 'user' || facing === 'environment') this.facing = facing;
		}
	}

	#audioConstraints(): MediaTrackConstraints {
		// `ideal`, not `exact`: a remembered device that is gone falls back to another one.
		return this.microphoneId
			? { ...microphoneConstraints, deviceId: { ideal: this.microphoneId } }
			: microphoneConstraints;
	}

	#videoConstraints(): MediaTrackConstraints {
		if (this.cameraId) return { ...cameraConstraints, deviceId: { ideal: this.cameraId } };
		return { ...cameraConstraints, facingMode: this.facing ?? 'user' };
	}
}

export const [getLocalMedia, setLocalMedia] = createContext<LocalMedia>();
