/**
 * Counting what a key (a connection, an address) spends in a window, behind an interface of
 * our own: the memory store counts within one process, and a shared store (RateLimiterRedis,
 * for several processes) drops in by passing another `LimiterStore`, with no call site changed.
 */
import { RateLimiterMemory, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';

export type Spend = { isAllowed: true } | { isAllowed: false; retryAfterSeconds: number };

export interface Limiter {
	/** Spends `points` under `key`; refused once the window's budget is gone, until it ends. */
	spend(key: string, points: number): Promise<Spend>;
}

export interface LimiterRule {
	/** Names the limiter in a shared store, so two limiters never count under one key. */
	name: string;
	points: number;
	windowSeconds: number;
}

export type LimiterStore = (rule: LimiterRule) => Limiter;

const allowed: Spend = { isAllowed: true };

/** Our interface over one of rate-limiter-flexible's limiters, whichever store it counts in. */
export function limiterFrom(limiter: RateLimiterAbstract): Limiter {
	return {
		async spend(key, points) {
			try {
				await limiter.consume(key, points);
				return allowed;
			} catch (outcome) {
				// rate-limiter-flexible rejects with its result when over, and with an Error when
				// the store itself fails; a failing store must not let everything through silently.
				if (!(outcome instanceof RateLimiterRes)) throw outcome;
				return {
					isAllowed: false,
					retryAfterSeconds: Math.max(1, Math.ceil(outcome.msBeforeNext / 1000))
				};
			}
		}
	};
}

/** The default: counts in this process's memory; each key expires with its window. */
export const memoryStore: LimiterStore = (rule) =>
	limiterFrom(
		new RateLimiterMemory({
			keyPrefix: rule.name,
			points: rule.points,
			duration: rule.windowSeconds
		})
	);
