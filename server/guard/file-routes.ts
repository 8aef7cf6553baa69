/**
 * The file routes' front door: other websites may not use them through a visitor's browser,
 * and one address may make only so many requests per window. Requests are counted, not bytes:
 * an upload is a few 32 MiB PATCHes, while a room full of image previews is many small GETs.
 */
import { FILES_PATH } from '../../src/lib/protocol.ts';
import type { Config } from '../config.ts';
import { sendRefusal, type Refusal } from '../files/refusals.ts';
import type { Handler } from '../http.ts';
import { clientAddress } from './address.ts';
import type { LimiterStore } from './limiter.ts';
import { isAllowedOrigin } from './origin.ts';

type Settings = Pick<
	Config,
	'allowedOrigins' | 'trustProxy' | 'fileRequestsPerAddress' | 'rateWindowSeconds'
>;

const foreignOrigin: Refusal = {
	status: 403,
	code: 'forbidden-origin',
	message: 'Files can be used only from the Dropcall app itself, not from another website.'
};

function isFileRoute(url: string | undefined): boolean {
	const path = url?.split('?')[0] ?? '';
	return path === FILES_PATH || path.startsWith(`${FILES_PATH}/`);
}

export function fileRouteGuard(settings: Settings, store: LimiterStore): Handler {
	const requests = store({
		name: 'file-requests-address',
		points: settings.fileRequestsPerAddress,
		windowSeconds: settings.rateWindowSeconds
	});
	return (request, response, next) => {
		if (!isFileRoute(request.url)) return next();
		// A refused upload's body is not read: closing the connection stops it arriving.
		const refuse = (refusal: Refusal) => {
			response.setHeader('Connection', 'close');
			sendRefusal(response, refusal);
		};
		if (!isAllowedOrigin(request.headers, settings)) return refuse(foreignOrigin);
		const address = clientAddress(
			request.socket.remoteAddress,
			request.headers['x-forwarded-for'],
			settings.trustProxy
		);
		requests.spend(address, 1).then(
			(spend) => {
				if (spend.isAllowed) return next();
				response.setHeader('Retry-After', String(spend.retryAfterSeconds));
				refuse({
					status: 429,
					code: 'rate-limited',
					message: `Too many file requests from your address; try again in ${spend.retryAfterSeconds} s.`
				});
			},
			() => refuse({ status: 503, code: 'rate-limited', message: 'Try again in a moment.' })
		);
	};
}
