/** Picks the number of grid columns that makes n tiles of a given aspect ratio largest. */
export function bestColumns(count: number, width: number, height: number, aspect = 16 / 9): number {
	if (count <= 1 || width <= 0 || height <= 0) return 1;
	let best = 1;
	let bestArea = 0;
	for (let columns = 1; columns <= count; columns++) {
		const rows = Math.ceil(count / columns);
		const tileWidth = Math.min(width / columns, (height / rows) * aspect);
		const area = tileWidth * (tileWidth / aspect);
		if (area > bestArea) {
			bestArea = area;
			best = columns;
		}
	}
	return best;
}
