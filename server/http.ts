/** Plain HTTP around the app: security headers, the health route, the share target's fallback. */
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

export type Next = () => void;
export type Handler = (request: IncomingMessage, response: ServerResponse, next: Next) => void;

const PERMISSIONS_POLICY = [
	'camera=(self)',
	'microphone=(self)',
	'display-capture=(self)',
	'screen-wake-lock=(self)',
	'speaker-selection=(self)',
	'geolocation=()',
	'payment=()',
	'usb=()'
].join(', ');

/**
 * SvelteKit's single-page fallback starts the app from an inline script; the policy allows
 * exactly that script by its hash, so no other inline script can run.
 */
export function contentSecurityPolicy(indexHtml: string | undefined): string {
	const hashes = [...(indexHtml ?? '').matchAll(/<script>([\s\S]*?)<\/script>/g)].map(
		(match) =>
			`'sha256-${createHash('sha256')
				.update(match[1] ?? '')
				.digest('base64')}'`
	);
	return [
		"default-src 'self'",
		`script-src 'self' ${hashes.join(' ')}`.trim(),
		// Svelte sets inline styles for layout values and transitions.
		"style-src 'self' 'unsafe-inline'",
		"img-src 'self' data: blob:",
		"media-src 'self' blob:",
		"connect-src 'self'",
		"worker-src 'self'",
		"manifest-src 'self'",
		"font-src 'self'",
		"object-src 'none'",
		"base-uri 'none'",
		"form-action 'self'",
		"frame-ancestors 'none'"
	].join('; ');
}

/** @param csp the policy of the build served now (see static-app.ts), if the app is served */
export function securityHeaders(csp: () => string | undefined): Handler {
	return (_request, response, next) => {
		const policy = csp();
		if (policy) response.setHeader('Content-Security-Policy', policy);
		response.setHeader('Referrer-Policy', 'no-referrer');
		response.setHeader('X-Content-Type-Options', 'nosniff');
		response.setHeader('Permissions-Policy', PERMISSIONS_POLICY);
		response.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
		next();
	};
}

export function sendJson(response: ServerResponse, status: number, body: unknown): void {
	response.writeHead(status, {
		'Content-Type': 'application/json; charset=utf-8',
		'Cache-Control': 'no-store'
	});
	response.end(JSON.stringify(body));
}

/** 'draining': stopping, but uploads under way may still finish (UPLOAD_DRAIN_SECONDS). */
export type ServingState = 'serving' | 'draining' | 'stopping';

/**
 * GET /healthz: this process's figures. A stopping process answers 503, so a proxy's health
 * check sends nobody to it while its people are handed over. While it drains it answers 404:
 * HAProxy's `http-check disable-on-404` then sends it nobody new but still the requests of
 * browsers whose cookie names it, so the uploads under way can finish here.
 */
export function healthRoute(
	counts: () => Record<string, number | string>,
	state: () => ServingState = () => 'serving'
): Handler {
	const startedAt = Date.now();
	return (request, response, next) => {
		if (request.url?.split('?')[0] !== '/healthz') return next();
		if (request.method !== 'GET' && request.method !== 'HEAD') {
			return sendJson(response, 405, { ok: false, error: 'Use GET' });
		}
		const now = state();
		sendJson(response, now === 'serving' ? 200 : now === 'draining' ? 404 : 503, {
			ok: now === 'serving',
			...(now === 'serving' ? {} : { state: now }),
			uptimeSeconds: Math.round((Date.now() - startedAt) / 1000),
			...counts()
		});
	};
}

export function notFound(): Handler {
	return (_request, response) => sendJson(response, 404, { ok: false, error: 'Not found' });
}

/**
 * The share sheet posts files to /share-target, where the service worker takes them. Without
 * a service worker (the app's first visit) they would land here: the body is discarded, never
 * stored, and the person is sent to /share, which says so.
 */
export function shareTargetFallback(): Handler {
	return (request, response, next) => {
		if (request.url?.split('?')[0] !== '/share-target') return next();
		request.resume();
		response.writeHead(303, { Location: '/share?failed=1', 'Cache-Control': 'no-store' });
		response.end();
	};
}
