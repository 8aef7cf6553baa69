/**
 * Recording in the call: this person's own recording (saved on their device, never uploaded)
 * and who else is recording, told peer to peer on the recording channel so that everyone sees
 * it on the recorder's tile and in the people list, and hears it announced.
 */
import { createContext } from 'svelte';
import { SvelteSet } from 'svelte/reactivity';
import { m } from '../paraglide/messages.js';
import type { LocalMedia } from '../call/local-media.svelte';
import type { Mesh } from '../call/mesh.svelte';
import type { RoomSession } from '../room/session.svelte';
import type { RecordedTile } from './mixer';
import { Recorder, canRecord } from './recorder';
import { RecordingReplica } from './replica';

export class Recordings {
	/** Others who are recording now. */
	readonly others = new SvelteSet<string>();
	isMineRecording = $state(false);
	/** Starting or saving: the button waits. */
	isBusy = $state(false);
	error = $state<string>();
	readonly canRecord = typeof window !== 'undefined' && canRecord();

	#session: RoomSession;
	#mesh: Mesh;
	#local: LocalMedia;
	#replica: RecordingReplica;
	#recorder: Recorder | undefined;
	#listeners = new Set<(peerId: string, isRecording: boolean) => void>();
	#stop: (() => void)[];

	constructor(session: RoomSession, mesh: Mesh, local: LocalMedia) {
		this.#session = session;
		this.#mesh = mesh;
		this.#local = local;
		this.#replica = new RecordingReplica(
			{
				selfId: () => session.self?.id,
				isPresent: (peerId) => session.peers.some((peer) => peer.id === peerId),
				send: (peerId, message) => void mesh.send(peerId, 'recording', message),
				broadcast: (message) => void mesh.broadcast('recording', message)
			},
			{
				onChange: () => this.#copyOthers(),
				onChanged: (peerId, isRecording) => {
					for (const listener of this.#listeners) listener(peerId, isRecording);
				}
			}
		);
		this.#stop = [
			mesh.onMessage('recording', (peer, data) => this.#replica.receive(peer.id, data)),
			mesh.onChannelOpen('recording', (peer) => this.#replica.peerOpened(peer.id)),
			session.onPresence(() => this.#dropDeparted())
		];
	}

	isRecording(peerId: string): boolean {
		return this.others.has(peerId);
	}

	/** Called with someone else's id when they start or stop recording. */
	onChanged(listener: (peerId: string, isRecording: boolean) => void): () => void {
		this.#listeners.add(listener);
		return () => this.#listeners.delete(listener);
	}

	async start(): Promise<void> {
		if (this.#recorder || this.isBusy) return;
		this.isBusy = true;
		this.error = undefined;
		try {
			this.#recorder = await Recorder.start({
				tiles: () => this.#tiles(),
				voices: () => this.#voices(),
				isAwaitingMedia: () => this.#mesh.isAwaitingMedia,
				fileDescription: m.recording_file_type()
			});
			if (this.#recorder) {
				this.isMineRecording = true;
				this.#replica.setMine(true);
			}
		} catch (error) {
			this.error = m.recording_failed();
			console.warn('Recording could not start', error);
		} finally {
			this.isBusy = false;
		}
	}

	async stop(): Promise<void> {
		const recorder = this.#recorder;
		if (!recorder) return;
		this.#recorder = undefined;
		this.isBusy = true;
		this.isMineRecording = false;
		this.#replica.setMine(false);
		try {
			await recorder.stop();
		} catch (error) {
			this.error = m.recording_failed();
			console.warn('Recording could not be saved', error);
		} finally {
			this.isBusy = false;
		}
	}

	/** Leaving the call saves what was recorded so far. */
	dispose(): void {
		for (const stop of this.#stop) stop();
		void this.stop();
	}

	/** What the stage shows: screens first, then each person's camera or name. */
	#tiles(): RecordedTile[] {
		const selfName = this.#session.self?.name ?? '';
		const tiles: RecordedTile[] = [];
		const screen = this.#local.screenTrack;
		if (screen)
			tiles.push({ key: 'self:screen', label: m.your_screen(), video: new MediaStream([screen]) });
		for (const info of this.#session.peers) {
			const stream = this.#mesh.peers.get(info.id)?.screenStream;
			if (info.media.screen && stream) {
				tiles.push({
					key: `${info.id}:screen`,
					label: m.their_screen({ name: info.name }),
					video: stream
				});
			}
		}
		const camera = this.#local.videoTrack;
		tiles.push({
			key: 'self',
			label: selfName,
			video: camera ? this.#cameraStream(camera) : undefined
		});
		for (const info of this.#session.peers) {
			const stream = this.#mesh.peers.get(info.id)?.cameraStream;
			tiles.push({ key: info.id, label: info.name, video: info.media.video ? stream : undefined });
		}
		return tiles;
	}

	#cameraTrack: MediaStreamTrack | undefined;
	#cameraStreamFor: MediaStream | undefined;
	/** One stream per local camera track, so the mixer keeps one player for it, not one a frame. */
	#cameraStream(track: MediaStreamTrack): MediaStream {
		if (this.#cameraTrack !== track || !this.#cameraStreamFor) {
			this.#cameraTrack = track;
			this.#cameraStreamFor = new MediaStream([track]);
		}
		return this.#cameraStreamFor;
	}

	#micTrack: MediaStreamTrack | undefined;
	#micStream: MediaStream | undefined;
	/** Everyone's voice, ours included, as it goes out (muted is muted in the file too). */
	#voices(): MediaStream[] {
		const voices: MediaStream[] = [];
		for (const peer of this.#mesh.peers.values())
			if (peer.audioStream) voices.push(peer.audioStream);
		const mic = this.#local.audioTrack;
		if (mic && !this.#local.isMuted) {
			if (this.#micTrack !== mic || !this.#micStream) {
				this.#micTrack = mic;
				this.#micStream = new MediaStream([mic]);
			}
			voices.push(this.#micStream);
		}
		return voices;
	}

	#copyOthers(): void {
		for (const id of this.others) if (!this.#replica.recording.has(id)) this.others.delete(id);
		for (const id of this.#replica.recording) this.others.add(id);
	}

	#dropDeparted(): void {
		const present = new Set(this.#session.peers.map((peer) => peer.id));
		for (const id of this.#replica.recording) if (!present.has(id)) this.#replica.forget(id);
	}
}

export const [getRecordings, setRecordings] = createContext<Recordings>();
