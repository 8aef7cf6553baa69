/**
 * The ids and tokens the protocol carries: their shapes are checked before anything is looked
 * up, so a malformed one is refused without touching the registry.
 */
import * as v from 'valibot';

/** 128 random bits, base64url: the room id is the invite link's secret. */
const idPattern = /^[A-Za-z0-9_-]{22}$/;
/** Peer ids are public within a room; 96 bits keep them unique without a registry lookup. */
const peerIdPattern = /^[A-Za-z0-9_-]{16}$/;
const tokenPattern = /^[A-Za-z0-9_-]{43}$/;

export const RoomIdSchema = v.pipe(v.string(), v.regex(idPattern, 'Not a room id'));
export const PeerIdSchema = v.pipe(v.string(), v.regex(peerIdPattern, 'Not a peer id'));
export const TokenSchema = v.pipe(v.string(), v.regex(tokenPattern, 'Not a token'));

/** 128 random bits, base64url: a download link cannot be guessed. */
export const FileIdSchema = v.pipe(v.string(), v.regex(idPattern, 'Not a file id'));
