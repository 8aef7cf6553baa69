/**
 * The room's download links as this page holds them. The seat's credential never goes in a
 * URL: the page trades it (in a header) for links that open one file each, for minutes, and
 * renews them before they expire, so a link a person clicks is never a dead one.
 */
import * as v from 'valibot';
import { FILE_LINKS_PATH, FileLinksAnswerSchema, MAX_LINKS_PER_REQUEST } from '../protocol';
import type { SeatToken } from './seat-token';

/** Links are renewed when this share of their life has passed. */
const RENEW_AT_SHARE = 0.8;
/** A link closer than this to its end is not handed to a click: it is renewed first. */
const FRESH_FOR_MS = 10_000;

interface HeldLink {
	download: string;
	preview: string | undefined;
	/** By this page's clock (the server says how long, not until when). */
	expiresAt: number;
	renewAt: number;
}

export class FileLinks {
	#held = $state.raw<Record<string, HeldLink>>({});
	#seat: SeatToken;
	#renewTimer: ReturnType<typeof setTimeout> | undefined;
	#isDisposed = false;

	constructor(seat: SeatToken) {
		this.#seat = seat;
	}

	/** The file's download link while it is fresh; undefined while a new one is on its way. */
	download(id: string): string | undefined {
		const link = this.#held[id];
		return link && isFresh(link) ? link.download : undefined;
	}

	preview(id: string): string | undefined {
		return this.#held[id]?.preview;
	}

	/** Makes sure each of these files has a fresh link, asking only for those that lack one. */
	async want(ids: string[]): Promise<void> {
		const missing = ids.filter((id) => {
			const link = this.#held[id];
			return !link || Date.now() >= link.renewAt;
		});
		// Links of files no longer listed are dropped with the next answer.
		await this.#ask(missing, ids);
	}

	/** The seat changed: links made for the old one no longer open anything. */
	async renewAll(ids: string[]): Promise<void> {
		await this.#ask(ids, ids);
	}

	/** A download link to use right now, renewed first if the one held is about to end. */
	async fresh(id: string): Promise<string | undefined> {
		const held = this.download(id);
		if (held) return held;
		await this.#ask([id], Object.keys(this.#held));
		return this.download(id);
	}

	dispose(): void {
		this.#isDisposed = true;
		clearTimeout(this.#renewTimer);
	}

	async #ask(ids: string[], keep: string[]): Promise<void> {
		if (ids.length === 0 || this.#isDisposed) return;
		const token = await this.#seat.live();
		if (!token) return;
		const answered: Record<string, HeldLink> = {};
		for (let start = 0; start < ids.length; start += MAX_LINKS_PER_REQUEST) {
			const batch = ids.slice(start, start + MAX_LINKS_PER_REQUEST);
			let body: unknown;
			try {
				const response = await fetch(FILE_LINKS_PATH, {
					method: 'POST',
					headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
					body: JSON.stringify({ ids: batch })
				});
				body = await response.json();
			} catch {
				// Offline for a moment: the next change or renewal asks again.
				return;
			}
			const parsed = v.safeParse(FileLinksAnswerSchema, body);
			if (!parsed.success) return;
			const now = Date.now();
			for (const link of parsed.output.links) {
				answered[link.id] = {
					download: link.download,
					preview: link.preview,
					expiresAt: now + link.validSeconds * 1000,
					renewAt: now + link.validSeconds * 1000 * RENEW_AT_SHARE
				};
			}
		}
		if (this.#isDisposed) return;
		const kept = new Set(keep);
		this.#held = Object.fromEntries(
			[...Object.entries(this.#held), ...Object.entries(answered)].filter(([id]) => kept.has(id))
		);
		this.#scheduleRenewal();
	}

	#scheduleRenewal(): void {
		clearTimeout(this.#renewTimer);
		const links = Object.values(this.#held);
		if (links.length === 0) return;
		const soonest = Math.min(...links.map((link) => link.renewAt));
		this.#renewTimer = setTimeout(
			() => void this.want(Object.keys(this.#held)),
			Math.max(1000, soonest - Date.now())
		);
	}
}

function isFresh(link: HeldLink): boolean {
	return link.expiresAt - Date.now() > FRESH_FOR_MS;
}
