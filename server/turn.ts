/**
 * Short-lived TURN credentials, minted per join from a secret shared with the TURN server:
 * the "TURN REST API" scheme coturn implements with `use-auth-secret`. The browser gets a
 * credential that expires on its own; the long-lived secret never leaves the server.
 */
import { createHmac } from 'node:crypto';
import type { IceServer } from '../src/lib/protocol.ts';

export interface TurnSettings {
	urls: string[];
	secret: string;
	ttlSeconds: number;
}

export function mintTurnCredential(
	settings: TurnSettings,
	peerId: string,
	nowMs: number = Date.now()
): IceServer {
	const expiresAt = Math.floor(nowMs / 1000) + settings.ttlSeconds;
	const username = `${expiresAt}:${peerId}`;
	const credential = createHmac('sha1', settings.secret).update(username).digest('base64');
	return { urls: settings.urls, username, credential };
}

/** The ICE servers one person gets: the configured ones plus, with a secret, their own TURN. */
export function iceServersFor(
	configured: IceServer[],
	turn: TurnSettings | undefined,
	peerId: string
): IceServer[] {
	return turn ? [...configured, mintTurnCredential(turn, peerId)] : configured;
}
