/** Everyone's voice level, sampled a few times a second for meters and speaking rings. */
import { createContext } from 'svelte';
import { SvelteMap } from 'svelte/reactivity';
import { localLevel, remoteLevel, SPEAKING_LEVEL, type LevelReader } from './audio-level';
import type { LocalMedia } from './local-media.svelte';
import type { Mesh } from './mesh.svelte';

const SAMPLE_MS = 120;
/** Levels are rounded so tiles re-render when the picture changes, not on every sample. */
const STEP = 0.05;

export const SELF = 'self';

export class SpeakingMeter {
	readonly levels = new SvelteMap<string, number>();
	#stop: () => void;

	constructor(local: LocalMedia, mesh: Mesh) {
		let reader: LevelReader | undefined;
		const stopEffects = $effect.root(() => {
			$effect(() => {
				const track = local.audioTrack;
				reader = track ? localLevel(track) : undefined;
				return () => reader?.close();
			});
		});
		const timer = setInterval(() => {
			this.#set(SELF, reader?.read() ?? 0);
			// Reading a receiver waits on WebRTC's own thread, which is busiest while a connection
			// is being made: the rings hold still for that moment rather than slow the newcomer.
			if (mesh.isConnecting) return;
			for (const peer of mesh.peers.values()) {
				if (peer.state === 'connected') this.#set(peer.id, remoteLevel(peer.audioReceiver));
			}
		}, SAMPLE_MS);
		this.#stop = () => {
			clearInterval(timer);
			stopEffects();
			reader?.close();
		};
	}

	level(id: string): number {
		return this.levels.get(id) ?? 0;
	}

	isSpeaking(id: string): boolean {
		return this.level(id) >= SPEAKING_LEVEL;
	}

	dispose(): void {
		this.#stop();
	}

	#set(id: string, level: number): void {
		const rounded = Math.round(level / STEP) * STEP;
		if (this.levels.get(id) !== rounded) this.levels.set(id, rounded);
	}
}

export const [getSpeakingMeter, setSpeakingMeter] = createContext<SpeakingMeter>();
