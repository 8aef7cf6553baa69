/** Logging that never writes a room id or a name in full: room links are secrets. */
let isQuiet = false;

export function setQuiet(quiet: boolean): void {
	isQuiet = quiet;
}

export function shortId(id: string): string {
	return `${id.slice(0, 4)}…`;
}

export function log(message: string): void {
	if (!isQuiet) console.log(`[dropcall] ${message}`);
}
