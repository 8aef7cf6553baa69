/**
 * Sizes, speeds and durations in words. Binary multiples with the familiar labels (KB, MB, GB),
 * as browsers' download lists and most file managers show them, so "2 GB" here is 2 GiB.
 */
const units = ['bytes', 'KB', 'MB', 'GB', 'TB'] as const;

/**
 * `locale` words the byte count below 1 KB ("1 byte", "1바이트"); the server, which words
 * refusals for its logs, leaves it English.
 */
export function formatBytes(bytes: number, locale = 'en'): string {
	if (!Number.isFinite(bytes) || bytes < 0) return '?';
	if (bytes < 1024) {
		return new Intl.NumberFormat(locale, {
			style: 'unit',
			unit: 'byte',
			unitDisplay: 'long',
			useGrouping: false
		}).format(Math.round(bytes));
	}
	let value = bytes;
	let unit = 0;
	while (value >= 1024 && unit < units.length - 1) {
		value /= 1024;
		unit += 1;
	}
	// Three significant digits at most: 1.23 GB, 12.3 MB, 123 KB; no trailing ".0".
	const digits = value >= 100 ? 0 : value >= 10 ? 1 : 2;
	return `${Number(value.toFixed(digits))} ${units[unit]}`;
}

export function formatSpeed(bytesPerSecond: number, locale = 'en'): string {
	return `${formatBytes(bytesPerSecond, locale)}/s`;
}

/** "8 s", "3 min 20 s", "1 h 5 min": rounded the way a person reads a countdown. */
export function formatDuration(seconds: number): string {
	if (!Number.isFinite(seconds) || seconds < 0) return '?';
	const whole = Math.ceil(seconds);
	if (whole < 60) return `${whole} s`;
	const minutes = Math.floor(whole / 60);
	if (minutes < 60) {
		const rest = whole % 60;
		return minutes >= 10 || rest === 0 ? `${minutes} min` : `${minutes} min ${rest} s`;
	}
	const hours = Math.floor(minutes / 60);
	const rest = minutes % 60;
	return rest === 0 ? `${hours} h` : `${hours} h ${rest} min`;
}
