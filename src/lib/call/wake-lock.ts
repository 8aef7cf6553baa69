/**
 * Keeps the screen on during a call where the Wake Lock API exists. The browser drops the lock
 * whenever the page is hidden, so it is taken again each time the page comes back.
 */
export function keepScreenAwake(): () => void {
	if (!('wakeLock' in navigator)) return () => {};
	let sentinel: WakeLockSentinel | undefined;
	let isReleased = false;
	const acquire = async () => {
		if (document.visibilityState !== 'visible' || isReleased) return;
		try {
			sentinel = await navigator.wakeLock.request('screen');
		} catch {
			// Battery saver or a policy may refuse; the call works without it.
		}
	};
	void acquire();
	document.addEventListener('visibilitychange', acquire);
	return () => {
		isReleased = true;
		document.removeEventListener('visibilitychange', acquire);
		void sentinel?.release().catch(() => {});
	};
}
