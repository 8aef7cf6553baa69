/**
 * Thumbnails made in the sender's browser from the file itself: the server can no longer make
 * or serve one, as it cannot read the image. Small enough to travel inside the sealed details.
 */
import { toBase64Url } from './base64url';

const SIDE_PX = 64;
/** Decoding a bigger image for a 64 px square would stall a phone. */
const MAX_SOURCE_BYTES = 16 * 1024 * 1024;
const thumbnailTypes = /^image\/(png|jpeg|gif|webp|avif|bmp)$/;

/** base64url of a small WebP, or undefined for anything that is not a decodable image. */
export async function makeThumbnail(file: Blob): Promise<string | undefined> {
	if (!thumbnailTypes.test(file.type) || file.size > MAX_SOURCE_BYTES) return undefined;
	if (typeof OffscreenCanvas === 'undefined' || typeof createImageBitmap === 'undefined')
		return undefined;
	try {
		const bitmap = await createImageBitmap(file);
		const canvas = new OffscreenCanvas(SIDE_PX, SIDE_PX);
		const context = canvas.getContext('2d');
		if (!context) return undefined;
		// Cover the square, as the list's CSS does with object-fit: cover.
		const scale = Math.max(SIDE_PX / bitmap.width, SIDE_PX / bitmap.height);
		const width = bitmap.width * scale;
		const height = bitmap.height * scale;
		context.drawImage(bitmap, (SIDE_PX - width) / 2, (SIDE_PX - height) / 2, width, height);
		bitmap.close();
		const blob = await canvas.convertToBlob({ type: 'image/webp', quality: 0.7 });
		return toBase64Url(new Uint8Array(await blob.arrayBuffer()));
	} catch {
		// Not an image the browser can decode after all: the list shows a type icon instead.
		return undefined;
	}
}

/** An object URL for a thumbnail; the caller revokes it. */
export function thumbnailUrl(
	thumbnail: string,
	fromBase64: (text: string) => Uint8Array<ArrayBuffer>
): string {
	const bytes = fromBase64(thumbnail);
	// Whatever WebP/JPEG the sender's browser made; the <img> sniffs the format.
	return URL.createObjectURL(new Blob([bytes], { type: 'image/webp' }));
}
