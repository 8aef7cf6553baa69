/**
 * Who the floating window shows: someone's screen share when there is one (that is what people
 * are looking at), else whoever spoke last, else the first person with their camera on.
 */
import { m } from '../paraglide/messages.js';
import type { Mesh } from '../call/mesh.svelte';
import type { SpeakingMeter } from '../call/speaking.svelte';
import type { RoomSession } from '../room/session.svelte';

export interface Featured {
	label: string;
	stream: MediaStream | undefined;
}

export class FeaturedSpeaker {
	/** The last remote person heard; kept after they stop, so the window does not flick away. */
	#lastSpeaker = $state<string>();
	#stop: () => void;
	#session: RoomSession;
	#mesh: Mesh;

	readonly current: Featured | undefined = $derived.by(() => {
		const people = this.#session.peers;
		for (const info of people) {
			const stream = this.#mesh.peers.get(info.id)?.screenStream;
			if (info.media.screen && stream)
				return { label: m.their_screen({ name: info.name }), stream };
		}
		const withVideo = people.filter((info) => info.media.video);
		const speaker =
			withVideo.find((info) => info.id === this.#lastSpeaker) ?? withVideo[0] ?? people[0];
		if (!speaker) return undefined;
		return {
			label: speaker.name,
			stream: speaker.media.video ? this.#mesh.peers.get(speaker.id)?.cameraStream : undefined
		};
	});

	constructor(session: RoomSession, mesh: Mesh, meter: SpeakingMeter) {
		this.#session = session;
		this.#mesh = mesh;
		this.#stop = $effect.root(() => {
			$effect(() => {
				for (const info of session.peers) {
					if (meter.isSpeaking(info.id)) this.#lastSpeaker = info.id;
				}
			});
		});
	}

	dispose(): void {
		this.#stop();
	}
}
