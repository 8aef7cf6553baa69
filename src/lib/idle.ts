/**
 * Runs work the page can put off: when it has a moment to spare, and within `timeoutMs` at
 * the latest. Joining a call keeps the main thread busy for a while, and storage writes made
 * then delay the connection's signaling, which waits for the same thread.
 */
export function whenIdle(work: () => void, timeoutMs = 2000): void {
	if (typeof requestIdleCallback === 'function') {
		requestIdleCallback(() => work(), { timeout: timeoutMs });
	} else {
		// Safari has no idle callbacks; a short delay still clears the join.
		setTimeout(work, 300);
	}
}

/**
 * How long a join keeps the page making connections. Its idle moments come while it waits for
 * the other side, not when it is done: work put off by `whenIdle` alone ran in the middle of it.
 */
const JOIN_MS = 2000;

/** Work `afterJoin` has put off and not yet run. */
const putOff = new Set<() => void>();

/**
 * Runs work the join can do without, once the join is through and the page has a moment;
 * `joinMs` 0 when no connection is being made (alone in the room).
 */
export function afterJoin(work: () => void, joinMs = JOIN_MS): void {
	const run = () => {
		if (putOff.delete(run)) work();
	};
	putOff.add(run);
	setTimeout(() => whenIdle(run), joinMs);
}

/**
 * Runs at once what `afterJoin` put off: someone who leaves a moment after joining, or whose
 * page goes away, must still find the room in their recent rooms and their name kept.
 */
export function flushAfterJoin(): void {
	for (const run of [...putOff]) run();
}
