/**
 * Whether a request comes from a page allowed to use our API: our own pages, or a front end
 * listed in ALLOWED_ORIGINS. Other websites must not drive Socket.IO or the file routes from
 * their visitors' browsers. Requests without browser headers (curl, tests) carry neither
 * Origin nor Sec-Fetch-Site and pass: a browser always sends one of them across sites.
 */
import type { IncomingHttpHeaders } from 'node:http';

export interface OriginRule {
	allowedOrigins: readonly string[];
	/** Behind our own proxy the Host we were asked for is in X-Forwarded-Host. */
	trustProxy: boolean;
}

function lastEntry(header: string | string[] | undefined): string | undefined {
	const text = Array.isArray(header) ? header.join(',') : header;
	return text?.split(',').at(-1)?.trim() || undefined;
}

function hostAskedFor(headers: IncomingHttpHeaders, trustProxy: boolean): string | undefined {
	const forwarded = trustProxy ? lastEntry(headers['x-forwarded-host']) : undefined;
	return (forwarded ?? headers.host)?.toLowerCase();
}

export function isAllowedOrigin(headers: IncomingHttpHeaders, rule: OriginRule): boolean {
	const origin = headers.origin;
	if (origin === undefined) {
		// <a download>, <img> and navigations carry no Origin, but Sec-Fetch-Site says who asked.
		return headers['sec-fetch-site'] !== 'cross-site';
	}
	let url: URL;
	try {
		url = new URL(origin);
	} catch {
		// "null" (sandboxed frames, file: pages) and garbage are nobody we know.
		return false;
	}
	if (rule.allowedOrigins.includes(url.origin)) return true;
	const host = hostAskedFor(headers, rule.trustProxy);
	return host !== undefined && url.host === host;
}
