/**
 * What peers say on the recording channel: only "I am recording" or "I am not". A message
 * speaks for its sender alone (the receiver files it under the connection it came on), so no
 * one can claim someone else is recording, or hide that they are.
 */
import * as v from 'valibot';

export const MAX_RECORDING_WIRE_BYTES = 64;

export const RecordingWireSchema = v.strictObject({ isRecording: v.boolean() });
export type RecordingWire = v.InferOutput<typeof RecordingWireSchema>;

export function parseRecordingWire(data: string): RecordingWire | undefined {
	if (data.length > MAX_RECORDING_WIRE_BYTES) return undefined;
	try {
		const result = v.safeParse(RecordingWireSchema, JSON.parse(data));
		return result.success ? result.output : undefined;
	} catch {
		return undefined;
	}
}
