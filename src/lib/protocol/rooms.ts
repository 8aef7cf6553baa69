/**
 * Rooms: creating one, looking at it from the join screen, and joining it (what the answer
 * brings: the people, the files, the ICE servers and the seat's credentials).
 */
import * as v from 'valibot';
import type { FileInfo } from './files.ts';
import { RoomIdSchema, TokenSchema } from './ids.ts';
import { DisplayNameSchema, MediaSchema, type Media, type PeerInfo } from './people.ts';

export const MIN_SEATS = 2;
export const MAX_SEATS = 8;
export const DEFAULT_SEATS = 4;

/**
 * What a joiner must bring: nothing, a microphone, or a camera and a microphone.
 * 'video' includes audio because a silent camera tile is never what a room asks for.
 */
export const DeviceRuleSchema = v.picklist(['none', 'audio', 'video']);
export type DeviceRule = v.InferOutput<typeof DeviceRuleSchema>;

export function meetsDeviceRule(rule: DeviceRule, media: Media): boolean {
	if (rule === 'video') return media.audio && media.video;
	if (rule === 'audio') return media.audio;
	return true;
}

export const CreateRoomSchema = v.strictObject({
	seats: v.pipe(v.number(), v.integer(), v.minValue(MIN_SEATS), v.maxValue(MAX_SEATS)),
	devices: DeviceRuleSchema
});
export type CreateRoomRequest = v.InferOutput<typeof CreateRoomSchema>;

export const PeekRoomSchema = v.strictObject({ roomId: RoomIdSchema });
export type PeekRoomRequest = v.InferOutput<typeof PeekRoomSchema>;

export const JoinRoomSchema = v.strictObject({
	roomId: RoomIdSchema,
	name: DisplayNameSchema,
	media: MediaSchema,
	resumeToken: v.optional(TokenSchema)
});
export type JoinRoomRequest = v.InferOutput<typeof JoinRoomSchema>;

export interface RoomInfo {
	seats: number;
	taken: number;
	devices: DeviceRule;
}

export interface IceServer {
	urls: string | string[];
	username?: string;
	credential?: string;
}

/**
 * 'relay': connections go only through TURN, so no one learns another person's address (and a
 * test can prove the relay works); 'all' lets ICE pick the most direct path.
 */
export type IceTransportPolicy = 'all' | 'relay';

/**
 * What the join screen learns before joining. While a seat is free it also carries ICE servers
 * (with a TURN credential of its own, as a join's, when TURN is configured), so the page can
 * make its first connection while the join request is on its way.
 */
export interface PeekAnswer {
	room: RoomInfo;
	iceServers?: IceServer[];
	iceTransportPolicy?: IceTransportPolicy;
}

export interface JoinAnswer {
	self: PeerInfo;
	peers: PeerInfo[];
	room: RoomInfo;
	iceServers: IceServer[];
	iceTransportPolicy: IceTransportPolicy;
	/** Sent back on reconnect to keep the same seat and id within the grace period. */
	resumeToken: string;
	/** Whether this join took over a held seat rather than taking a new one. */
	resumed: boolean;
	/** This seat's credential for the file routes; it stops working when the seat is freed. */
	fileToken: string;
	/** The files shared in the room right now, oldest first. */
	files: FileInfo[];
}
