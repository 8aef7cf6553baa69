/**
 * Connection quality for the whole call: one timer samples getStats() on every remote peer
 * connection, each peer's PeerQuality turns that into a mark, and the marks travel on the
 * quality channel so that whoever sends us poor media lowers what they send, for us alone.
 * The timer stops while the page is hidden: nobody reads the marks then, and a phone in a
 * pocket should not spend its battery on them.
 */
import { createContext } from 'svelte';
import { on } from 'svelte/events';
import { SvelteMap } from 'svelte/reactivity';
import type { Mesh } from '../call/mesh.svelte';
import type { Peer } from '../call/peer.svelte';
import type { RoomSession } from '../room/session.svelte';
import type { StatsEntry } from './figures';
import { PeerQuality } from './peer-quality.svelte';
import { parseQualityWire, type QualityWire } from './wire';

export const SAMPLE_EVERY_MS = 2000;

export class CallQuality {
	readonly peers = new SvelteMap<string, PeerQuality>();

	#session: RoomSession;
	#mesh: Mesh;
	#timer: ReturnType<typeof setInterval> | undefined;
	#isSampling = false;
	#stop: (() => void)[];

	constructor(session: RoomSession, mesh: Mesh) {
		this.#session = session;
		this.#mesh = mesh;
		this.#stop = [
			on(document, 'visibilitychange', () => this.#schedule()),
			mesh.onMessage('quality', (peer, data) => this.#receive(peer, data)),
			mesh.onChannelOpen('quality', (peer) => this.#greet(peer))
		];
		this.#schedule();
	}

	/** The quality of the connection with one person; undefined before it is first sampled. */
	of(peerId: string): PeerQuality | undefined {
		return this.peers.get(peerId);
	}

	/** One round of sampling, also what the benchmark times. */
	async sampleAll(): Promise<void> {
		if (this.#isSampling) return; // a slow getStats must not pile rounds up
		this.#isSampling = true;
		try {
			for (const id of this.peers.keys()) if (!this.#mesh.peers.has(id)) this.peers.delete(id);
			await Promise.all([...this.#mesh.peers.values()].map((peer) => this.#sample(peer)));
		} finally {
			this.#isSampling = false;
		}
	}

	dispose(): void {
		clearInterval(this.#timer);
		this.#timer = undefined;
		for (const stop of this.#stop) stop();
	}

	#schedule(): void {
		clearInterval(this.#timer);
		this.#timer = undefined;
		if (document.visibilityState === 'hidden') {
			for (const quality of this.peers.values()) quality.forgetLastSample();
			return;
		}
		this.#timer = setInterval(() => {
			// getStats asks every WebRTC thread, and those are setting up a new connection: a
			// round skipped then is taken again a moment later.
			if (!this.#mesh.isConnecting) void this.sampleAll();
		}, SAMPLE_EVERY_MS);
	}

	async #sample(peer: Peer): Promise<void> {
		if (peer.state !== 'connected') return;
		let quality = this.peers.get(peer.id);
		if (!quality) this.peers.set(peer.id, (quality = new PeerQuality()));
		let report: RTCStatsReport;
		try {
			report = await peer.pc.getStats();
		} catch {
			return; // closed while we asked
		}
		const info = this.#session.peers.find((person) => person.id === peer.id);
		const isVideoExpected = !!info?.media.video && quality.theirSendLevel < 2;
		const changed = quality.sample(
			report.values() as Iterable<StatsEntry>,
			performance.now(),
			isVideoExpected
		);
		if (changed) this.#send(peer, { type: 'reception', mark: changed });
		const level = quality.adapt();
		if (level !== undefined) {
			await peer.setSendLevel(level);
			this.#send(peer, { type: 'sending', level });
		}
	}

	/** A newly opened channel learns where we stand, as a late joiner learns raised hands. */
	#greet(peer: Peer): void {
		const quality = this.peers.get(peer.id);
		if (quality?.mark) this.#send(peer, { type: 'reception', mark: quality.mark });
		if (quality?.sendLevel) this.#send(peer, { type: 'sending', level: quality.sendLevel });
	}

	#receive(peer: Peer, data: string): void {
		const wire = parseQualityWire(data);
		if (!wire) return;
		let quality = this.peers.get(peer.id);
		if (!quality) this.peers.set(peer.id, (quality = new PeerQuality()));
		if (wire.type === 'reception') quality.theirMark = wire.mark;
		else quality.theirSendLevel = wire.level;
	}

	#send(peer: Peer, wire: QualityWire): void {
		peer.send('quality', JSON.stringify(wire));
	}
}

export const [getCallQuality, setCallQuality] = createContext<CallQuality>();
