/** The only place that reads the environment: every setting is checked once, here, at start. */
import { resolve } from 'node:path';
import * as v from 'valibot';
import { MAX_SEATS, MIN_SEATS } from '../src/lib/protocol.ts';
import type { IceServer } from '../src/lib/protocol.ts';
import type { TurnSettings } from './turn.ts';

export interface Config {
	port: number;
	host: string;
	iceServers: IceServer[];
	/** TURN with per-join credentials, when TURN_SECRET and TURN_URLS are set. */
	turn: TurnSettings | undefined;
	emptyRoomSeconds: number;
	unjoinedRoomSeconds: number;
	resumeGraceSeconds: number;
	maxSeats: number;
	/** Socket.IO heartbeat: a dead connection is noticed within pingInterval + pingTimeout. */
	pingIntervalSeconds: number;
	pingTimeoutSeconds: number;
	/** The built app to serve (ignored when Vite's dev server serves the UI). */
	staticDir: string;
	/** No log lines (tests). */
	quiet: boolean;
	/** Serve over HTTPS (HTTPS=1 or `npm start -- --https`): cameras need a secure page. */
	https: boolean;
	httpsCertPath: string | undefined;
	httpsKeyPath: string | undefined;
	/** Where the self-signed certificate is kept between runs. */
	tlsDir: string;
}

export class ConfigError extends Error {
	override name = 'ConfigError';
}

const DEFAULT_ICE_SERVERS: IceServer[] = [{ urls: 'stun:stun.l.google.com:19302' }];

const IceServersSchema = v.array(
	v.strictObject({
		urls: v.union([
			v.pipe(v.string(), v.regex(/^(stun|stuns|turn|turns):/)),
			v.pipe(v.array(v.pipe(v.string(), v.regex(/^(stun|stuns|turn|turns):/))), v.minLength(1))
		]),
		username: v.optional(v.string()),
		credential: v.optional(v.string())
	})
);

type Env = Record<string, string | undefined>;

function readInteger(env: Env, name: string, fallback: number, min: number, max: number): number {
	const raw = env[name];
	if (raw === undefined || raw.trim() === '') return fallback;
	const value = Number(raw);
	if (!Number.isInteger(value) || value < min || value > max) {
		throw new ConfigError(`${name} must be a whole number from ${min} to ${max}, not "${raw}"`);
	}
	return value;
}

function readIceServers(env: Env): IceServer[] {
	const raw = env.ICE_SERVERS;
	if (raw === undefined || raw.trim() === '') return DEFAULT_ICE_SERVERS;
	let parsed: unknown;
	try {
		parsed = JSON.parse(raw);
	} catch {
		throw new ConfigError('ICE_SERVERS must be JSON, e.g. [{"urls":"stun:stun.example.org"}]');
	}
	const result = v.safeParse(IceServersSchema, parsed);
	if (!result.success) {
		throw new ConfigError(
			`ICE_SERVERS is not a list of ICE servers: ${result.issues[0]?.message ?? 'bad value'}`
		);
	}
	return result.output;
}

const turnUrlPattern = /^turns?:[^\s,]+$/;

function readTurn(env: Env): TurnSettings | undefined {
	const secret = env.TURN_SECRET?.trim();
	const rawUrls = env.TURN_URLS?.trim();
	if (!secret && !rawUrls) return undefined;
	if (!secret) throw new ConfigError('TURN_URLS is set but TURN_SECRET is not');
	if (!rawUrls) throw new ConfigError('TURN_SECRET is set but TURN_URLS is not');
	const urls = rawUrls.split(',').map((url) => url.trim());
	const bad = urls.find((url) => !turnUrlPattern.test(url));
	if (bad !== undefined) {
		throw new ConfigError(
			`TURN_URLS must be turn: or turns: URLs separated by commas, not "${bad}"`
		);
	}
	return {
		urls,
		secret,
		ttlSeconds: readInteger(env, 'TURN_TTL_SECONDS', 12 * 3600, 60, 7 * 24 * 3600)
	};
}

function readBoolean(env: Env, name: string): boolean {
	const raw = env[name]?.trim().toLowerCase();
	if (raw === undefined || raw === '' || raw === '0' || raw === 'false') return false;
	if (raw === '1' || raw === 'true') return true;
	throw new ConfigError(`${name} must be 1 or 0, not "${env[name]}"`);
}

export function readConfig(env: Env = process.env, argv: string[] = []): Config {
	const host = env.HOST?.trim() || '0.0.0.0';
	return {
		port: readInteger(env, 'PORT', 3000, 0, 65535),
		host,
		iceServers: readIceServers(env),
		turn: readTurn(env),
		emptyRoomSeconds: readInteger(env, 'EMPTY_ROOM_SECONDS', 300, 0, 7 * 24 * 3600),
		unjoinedRoomSeconds: readInteger(env, 'UNJOINED_ROOM_SECONDS', 600, 1, 7 * 24 * 3600),
		resumeGraceSeconds: readInteger(env, 'RESUME_GRACE_SECONDS', 15, 0, 3600),
		maxSeats: readInteger(env, 'MAX_SEATS', MAX_SEATS, MIN_SEATS, MAX_SEATS),
		pingIntervalSeconds: 5,
		pingTimeoutSeconds: 5,
		staticDir: resolve(env.STATIC_DIR?.trim() || resolve(import.meta.dirname, '..', 'build')),
		quiet: env.QUIET === '1',
		https: argv.includes('--https') || readBoolean(env, 'HTTPS'),
		httpsCertPath: env.HTTPS_CERT?.trim() || undefined,
		httpsKeyPath: env.HTTPS_KEY?.trim() || undefined,
		tlsDir: resolve(env.TLS_DIR?.trim() || resolve(import.meta.dirname, '..', '.dropcall', 'tls'))
	};
}
