/** A random id that is safe in JSON, URLs and data attributes: 96 bits, base64url. */
export function randomId(): string {
	const bytes = crypto.getRandomValues(new Uint8Array(12));
	return btoa(String.fromCharCode(...bytes))
		.replaceAll('+', '-')
		.replaceAll('/', '_');
}
