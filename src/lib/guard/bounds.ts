/**
 * Bounds a receiver holds every peer's data-channel messages to, relative to what the receiver
 * itself has seen: its own clock and its own counters. A member running a modified client can
 * then at worst spoil their own messages, never push a room's shared clock to the end of time
 * or make every other device fail to show a date.
 */

/**
 * How far one message may move a shared Lamport clock past what this device has seen. Honest
 * peers step it by one per message, stroke or clear, so a million is more than a room ever
 * uses between two messages, while reaching Number.MAX_SAFE_INTEGER would take a hostile peer
 * some nine billion messages.
 */
export const MAX_CLOCK_JUMP = 1_000_000;

/** Whether a counter from a peer is a step forward this receiver can accept. */
export function isWithinJump(seen: number, incoming: number, maxJump = MAX_CLOCK_JUMP): boolean {
	return incoming <= seen + maxJump;
}

/** How far ahead of this device's clock a sender's clock may be before we stop believing it. */
export const MAX_CLOCK_SKEW_MS = 10 * 60_000;
/** How old a message of this call (history for a late joiner) can honestly be. */
export const MAX_MESSAGE_AGE_MS = 24 * 3600_000;

/**
 * The time to show for a message a peer stamped `sentAt`: theirs when it is believable, else
 * the time it reached us, so a display never has to format a date out of range.
 */
export function shownTime(sentAt: number, receivedAt: number): number {
	const isBelievable =
		Number.isFinite(sentAt) &&
		sentAt <= receivedAt + MAX_CLOCK_SKEW_MS &&
		sentAt >= receivedAt - MAX_MESSAGE_AGE_MS;
	return isBelievable ? sentAt : receivedAt;
}
