/**
 * Rate limits counted in Redis, so a client spreading its requests over several processes
 * meets the same budget. While Redis is away each process counts in its own memory instead
 * (rate-limiter-flexible's insurance limiter): limits stay, only less exact, never all open.
 */
import { RateLimiterMemory, RateLimiterRedis } from 'rate-limiter-flexible';
import { limiterFrom, type LimiterStore } from '../guard/limiter.ts';
import { KEY_PREFIX } from './scripts.ts';

export function redisStore(client: unknown): LimiterStore {
	return (rule) => {
		const options = { keyPrefix: rule.name, points: rule.points, duration: rule.windowSeconds };
		return limiterFrom(
			new RateLimiterRedis({
				...options,
				keyPrefix: `${KEY_PREFIX}limit:${rule.name}`,
				storeClient: client,
				useRedisPackage: true,
				insuranceLimiter: new RateLimiterMemory(options)
			})
		);
	};
}
