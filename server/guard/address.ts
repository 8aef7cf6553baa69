/**
 * Who a request comes from, as the per-address limits count it. One module so Socket.IO and
 * the file routes can never disagree about which address a request belongs to.
 */
import { isIPv6 } from 'node:net';

/**
 * The key an address is counted under. IPv4 is counted per address; IPv6 per /64, since one
 * home or phone is handed a whole /64 and could otherwise spread itself over 2^64 addresses.
 */
export function addressKey(address: string): string {
	const unmapped = address.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/i, '');
	if (!isIPv6(unmapped)) return unmapped;
	const [head = '', tail = ''] = unmapped.toLowerCase().split('::');
	const headGroups = head ? head.split(':') : [];
	const tailGroups = tail ? tail.split(':') : [];
	const missing = 8 - headGroups.length - tailGroups.length;
	const groups = unmapped.includes('::')
		? [...headGroups, ...Array<string>(Math.max(missing, 0)).fill('0'), ...tailGroups]
		: headGroups;
	const prefix = groups.slice(0, 4).map((group) => group.replace(/^0+(?=.)/, ''));
	return `${prefix.join(':')}::/64`;
}

/**
 * The client's address: the connection's own, or, behind a proxy we run (trustProxy), the
 * last entry of X-Forwarded-For, which is the one our proxy appended; earlier entries are
 * whatever the client chose to send.
 */
export function clientAddress(
	remoteAddress: string | undefined,
	forwardedFor: string | string[] | undefined,
	trustProxy: boolean
): string {
	if (trustProxy && forwardedFor !== undefined) {
		const header = Array.isArray(forwardedFor) ? forwardedFor.join(',') : forwardedFor;
		const last = header.split(',').at(-1)?.trim();
		if (last) return addressKey(last);
	}
	return addressKey(remoteAddress ?? 'unknown');
}
