/**
 * The people in a call as the protocol describes them: the name they go by and the media they
 * bring.
 */
import * as v from 'valibot';
import { cleanDisplayName } from '../text/visible.ts';

export const MAX_NAME_LENGTH = 40;

/**
 * Invisible, control and direction-changing characters are removed rather than refused (a
 * name pasted from a chat app often carries a stray one); a name of nothing else is empty.
 */
export const DisplayNameSchema = v.pipe(
	v.string(),
	v.maxLength(MAX_NAME_LENGTH * 4, 'Name is too long'),
	v.transform(cleanDisplayName),
	v.minLength(1, 'Name is empty'),
	v.maxLength(MAX_NAME_LENGTH, `Name is longer than ${MAX_NAME_LENGTH} characters`)
);

/**
 * What a person brings to the call: `audio` and `video` say they have a microphone or camera
 * track (what a room's device rule checks); `muted` and `screen` say how they are using them.
 */
export const MediaSchema = v.strictObject({
	audio: v.boolean(),
	video: v.boolean(),
	muted: v.optional(v.boolean()),
	screen: v.optional(v.boolean())
});
export type Media = v.InferOutput<typeof MediaSchema>;

export const UpdateMediaSchema = v.strictObject({ media: MediaSchema });
export type UpdateMediaRequest = v.InferOutput<typeof UpdateMediaSchema>;

export interface PeerInfo {
	id: string;
	name: string;
	media: Media;
	/** Their connection dropped; the seat is held for them for the resume grace. */
	isAway: boolean;
}
