/**
 * Time as a dependency: modules that wait (graces, idle uploads) take a Clock so tests can move
 * time forward without sleeping, while sockets and HTTP in the same test keep real time.
 */
export type Timer = object;

export interface Clock {
	now(): number;
	setTimeout(callback: () => void, ms: number): Timer;
	clearTimeout(timer: Timer | undefined): void;
}

export const systemClock: Clock = {
	now: () => Date.now(),
	setTimeout: (callback, ms) => setTimeout(callback, ms),
	clearTimeout: (timer) => clearTimeout(timer as NodeJS.Timeout | undefined)
};
