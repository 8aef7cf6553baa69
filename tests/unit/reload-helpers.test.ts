import { describe, expect, it } from 'vitest';
import { isFromNewConnection } from '../../src/lib/call/fingerprint';

const sdp = (fingerprint: string) =>
	['v=0', 'o=- 1 2 IN IP4 127.0.0.1', 's=-', `a=fingerprint:sha-256 ${fingerprint}`, ''].join(
		'\r\n'
	);
const current = (fingerprint: string) =>
	({ type: 'answer', sdp: sdp(fingerprint) }) as unknown as RTCSessionDescription;

describe('telling a reloaded page’s connection from the one we had', () => {
	it('sees a new connection in an offer with another certificate', () => {
		expect(isFromNewConnection(current('AA:BB'), { type: 'offer', sdp: sdp('CC:DD') })).toBe(true);
	});

	it('keeps the connection for a renegotiation or an ICE restart (same certificate)', () => {
		expect(isFromNewConnection(current('AA:BB'), { type: 'offer', sdp: sdp('aa:bb') })).toBe(false);
	});

	it('never replaces on an answer, or before there is anything to compare', () => {
		expect(isFromNewConnection(current('AA:BB'), { type: 'answer', sdp: sdp('CC:DD') })).toBe(
			false
		);
		expect(isFromNewConnection(null, { type: 'offer', sdp: sdp('CC:DD') })).toBe(false);
		expect(isFromNewConnection(current('AA:BB'), { type: 'offer', sdp: 'v=0\r\n' })).toBe(false);
	});
});
