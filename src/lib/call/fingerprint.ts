/**
 * Whether an offer comes from a different connection than the one we are talking to. A
 * connection's DTLS certificate never changes, so a new fingerprint means the other side
 * started afresh: their page was reloaded and took its seat back under the same peer id. Our
 * old connection to them is dead then, and the offer belongs on a new one.
 */
export function isFromNewConnection(
	current: RTCSessionDescription | null,
	offer: { type: string; sdp: string }
): boolean {
	if (offer.type !== 'offer' || !current) return false;
	const was = fingerprintOf(current.sdp);
	const now = fingerprintOf(offer.sdp);
	return was !== undefined && now !== undefined && was !== now;
}

function fingerprintOf(sdp: string): string | undefined {
	return /^a=fingerprint:(.+)$/m.exec(sdp)?.[1]?.trim().toLowerCase();
}
