/**
 * WebRTC signaling relayed by the server between two peers of one room: session descriptions
 * and ICE candidates.
 */
import * as v from 'valibot';
import { PeerIdSchema } from './ids.ts';

/** The server never parses SDP; it checks only the shape and the size. */
const SessionDescriptionSchema = v.strictObject({
	type: v.picklist(['offer', 'answer', 'pranswer', 'rollback']),
	sdp: v.pipe(v.string(), v.maxLength(48 * 1024))
});
const IceCandidateSchema = v.strictObject({
	candidate: v.pipe(v.string(), v.maxLength(2048)),
	sdpMid: v.nullish(v.pipe(v.string(), v.maxLength(64))),
	sdpMLineIndex: v.nullish(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(1024))),
	usernameFragment: v.nullish(v.pipe(v.string(), v.maxLength(256)))
});

// Unknown top-level keys are dropped rather than refused, so a forged `from` is simply
// replaced by the server's own stamp.
export const SignalSchema = v.union([
	v.object({ to: PeerIdSchema, description: SessionDescriptionSchema }),
	// A null candidate is the end-of-candidates marker.
	v.object({ to: PeerIdSchema, candidate: v.nullable(IceCandidateSchema) })
]);
export type SignalRequest = v.InferOutput<typeof SignalSchema>;
export type SignalPayload =
	| { description: v.InferOutput<typeof SessionDescriptionSchema> }
	| { candidate: v.InferOutput<typeof IceCandidateSchema> | null };
export type RelayedSignal = SignalPayload & { from: string };
