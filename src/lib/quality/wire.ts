/**
 * What peers say to each other on the quality channel: "your media reaches me this well" and
 * "this is what I send you now". Each message is about the connection it came on, so a peer
 * can speak only of what it receives and what it sends; the worst a lying peer gets is a
 * smaller picture of us, which is theirs to spoil.
 */
import * as v from 'valibot';

export const MAX_QUALITY_WIRE_BYTES = 128;

export const QualityWireSchema = v.variant('type', [
	v.strictObject({
		type: v.literal('reception'),
		mark: v.picklist(['good', 'fair', 'poor'])
	}),
	v.strictObject({
		type: v.literal('sending'),
		level: v.picklist([0, 1, 2])
	})
]);
export type QualityWire = v.InferOutput<typeof QualityWireSchema>;

export function parseQualityWire(data: string): QualityWire | undefined {
	if (data.length > MAX_QUALITY_WIRE_BYTES) return undefined;
	try {
		const result = v.safeParse(QualityWireSchema, JSON.parse(data));
		return result.success ? result.output : undefined;
	} catch {
		return undefined;
	}
}
