import { describe, expect, it } from 'vitest';
import { addressKey, clientAddress } from '../../server/guard/address';

describe('client addresses', () => {
	it('counts IPv4 per address, IPv4-mapped IPv6 as IPv4', () => {
		expect(addressKey('127.0.0.1')).toBe('127.0.0.1');
		expect(addressKey('::ffff:127.0.3.9')).toBe('127.0.3.9');
	});

	it('counts IPv6 per /64, however it is written', () => {
		const key = addressKey('2001:db8:0:1::5');
		expect(addressKey('2001:0db8:0000:0001:ffff:0:0:9')).toBe(key);
		expect(addressKey('2001:DB8:0:1:abcd::1')).toBe(key);
		expect(addressKey('2001:db8:0:2::5')).not.toBe(key);
		expect(addressKey('::1')).toBe('0:0:0:0::/64');
	});

	it('believes X-Forwarded-For only behind our own proxy, and only its last entry', () => {
		expect(clientAddress('10.0.0.2', '1.2.3.4', false)).toBe('10.0.0.2');
		expect(clientAddress('10.0.0.2', 'spoofed, 1.2.3.4', true)).toBe('1.2.3.4');
		expect(clientAddress('10.0.0.2', undefined, true)).toBe('10.0.0.2');
		expect(clientAddress(undefined, undefined, false)).toBe('unknown');
	});
});
