/** The only place that reads the environment: every setting is checked once, here, at start. */
import { resolve } from 'node:path';
import * as v from 'valibot';
import { MAX_SEATS, MIN_SEATS } from '../src/lib/protocol.ts';
import type { IceServer, IceTransportPolicy } from '../src/lib/protocol.ts';
import type { TurnSettings } from './turn.ts';

export interface Config {
	port: number;
	host: string;
	iceServers: IceServer[];
	/** TURN with per-join credentials, when TURN_SECRET and TURN_URLS are set. */
	turn: TurnSettings | undefined;
	/** 'relay' sends every call through TURN, hiding people's addresses from each other. */
	iceTransportPolicy: IceTransportPolicy;
	emptyRoomSeconds: number;
	unjoinedRoomSeconds: number;
	resumeGraceSeconds: number;
	/**
	 * How long the seat of a page that said it was going away (a reload, or a closed tab: the
	 * browser cannot tell them apart) waits for that page to come back.
	 */
	reloadGraceSeconds: number;
	maxSeats: number;
	/** Socket.IO heartbeat: a dead connection is noticed within pingInterval + pingTimeout. */
	pingIntervalSeconds: number;
	pingTimeoutSeconds: number;
	/** The built app to serve (ignored when Vite's dev server serves the UI). */
	staticDir: string;
	/**
	 * Where shared files are kept while their senders are in the room; undefined: a fresh
	 * folder in the OS temp dir, made at start and removed at stop.
	 */
	uploadDir: string | undefined;
	/**
	 * How long a dropped sender's files outlive their last sign of life; never longer than
	 * their seat (resumeGraceSeconds), because files never outlive their sender.
	 */
	fileGraceSeconds: number;
	maxFileBytes: number;
	maxRoomBytes: number;
	maxStoreBytes: number;
	/** Uploads are refused when they would leave less than this free on the disk. */
	minFreeBytes: number;
	/**
	 * An unfinished upload that receives less than minUploadBytesPerSecond on average over this
	 * long is abandoned and its reservation freed: a byte now and then keeps nothing alive.
	 */
	abandonedUploadSeconds: number;
	minUploadBytesPerSecond: number;
	/** Declared but not yet received bytes one seat, or one client address, may hold. */
	maxPendingBytesPerSeat: number;
	maxPendingBytesPerAddress: number;
	/** Every stored file counts at least this much against the byte limits. */
	minStoredFileBytes: number;
	maxRoomFiles: number;
	maxStoreFiles: number;
	/** How long a download link works; the page asks for fresh ones before then. */
	fileLinkSeconds: number;
	/**
	 * On a graceful stop, how long uploads already streaming may take to finish before the
	 * process ends them; new uploads are refused meanwhile, so their pages go to another process.
	 */
	uploadDrainSeconds: number;
	/**
	 * Behind a proxy we run (TRUST_PROXY=1), a client's address is the last X-Forwarded-For
	 * entry, the one the proxy added; otherwise every client would share the proxy's address.
	 */
	trustProxy: boolean;
	// ─── Limits on what one client may make the server hold (server/guard/) ───
	/** The window the event and request rates below are counted over. */
	rateWindowSeconds: number;
	/** Socket.IO event points one connection may spend per window (a signal costs 1). */
	eventPointsPerConnection: number;
	/** The same for all connections from one address together (a household behind one NAT). */
	eventPointsPerAddress: number;
	/** Requests to the file routes from one address per window (requests, not bytes). */
	fileRequestsPerAddress: number;
	/** Live Socket.IO connections from one address; more are refused at the handshake. */
	maxConnectionsPerAddress: number;
	roomsPerAddressPerMinute: number;
	/** Rooms on the whole server at once. */
	maxRooms: number;
	/** A client that lets more than this wait unread for it is disconnected. */
	maxUnreadBytes: number;
	/** Other origins whose pages may use the API (a front end served elsewhere); ours always may. */
	allowedOrigins: string[];
	/** No log lines (tests). */
	quiet: boolean;
	/** Serve over HTTPS (HTTPS=1 or `npm start -- --https`): cameras need a secure page. */
	https: boolean;
	httpsCertPath: string | undefined;
	httpsKeyPath: string | undefined;
	/** Where the self-signed certificate is kept between runs. */
	tlsDir: string;
	/**
	 * Unset: one process holding everything in memory. Set: rooms, seats, tokens and limits
	 * live in this Redis and Socket.IO's Redis adapter carries events between processes.
	 */
	redisUrl: string | undefined;
	/** This process's name in /healthz and the log, so a proxy's servers can be told apart. */
	nodeName: string;
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

const byteUnits: Record<string, number> = { '': 1, k: 2 ** 10, m: 2 ** 20, g: 2 ** 30, t: 2 ** 40 };

/** A byte count, plain (`1073741824`) or with a binary unit (`512MiB`, `2 GiB`, `1g`). */
function readBytes(env: Env, name: string, fallback: number, min: number): number {
	const raw = env[name];
	if (raw === undefined || raw.trim() === '') return fallback;
	const match = /^\s*(\d+(?:\.\d+)?)\s*([kmgt]?)(?:i?b)?\s*$/i.exec(raw);
	const value = match ? Math.round(Number(match[1]) * byteUnits[match[2]!.toLowerCase()]!) : NaN;
	if (!Number.isSafeInteger(value) || value < min) {
		throw new ConfigError(
			`${name} must be a number of bytes of at least ${min}, like 1073741824 or 1GiB, not "${raw}"`
		);
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

function readIceTransportPolicy(env: Env, iceServers: IceServer[], turn: TurnSettings | undefined) {
	const raw = env.ICE_TRANSPORT_POLICY?.trim().toLowerCase() || 'all';
	if (raw !== 'all' && raw !== 'relay') {
		throw new ConfigError(`ICE_TRANSPORT_POLICY must be all or relay, not "${raw}"`);
	}
	// Relay-only without any TURN server would let no call connect at all.
	const hasTurn =
		turn !== undefined ||
		iceServers.some((server) => [server.urls].flat().some((url) => /^turns?:/.test(url)));
	if (raw === 'relay' && !hasTurn) {
		throw new ConfigError(
			'ICE_TRANSPORT_POLICY=relay needs a TURN server: set TURN_URLS and TURN_SECRET, or list one in ICE_SERVERS'
		);
	}
	return raw;
}

/** Comma-separated origins, each normalised to scheme://host[:port] so comparisons are exact. */
function readOrigins(env: Env, name: string): string[] {
	const raw = env[name]?.trim();
	if (!raw) return [];
	return raw.split(',').map((item) => {
		const text = item.trim();
		let url: URL | undefined;
		try {
			url = new URL(text);
		} catch {
			url = undefined;
		}
		if (!url || !/^https?:$/.test(url.protocol) || url.origin !== text.replace(/\/$/, '')) {
			throw new ConfigError(
				`${name} must be origins like https://app.example.org separated by commas, not "${text}"`
			);
		}
		return url.origin;
	});
}

function readBoolean(env: Env, name: string): boolean {
	const raw = env[name]?.trim().toLowerCase();
	if (raw === undefined || raw === '' || raw === '0' || raw === 'false') return false;
	if (raw === '1' || raw === 'true') return true;
	throw new ConfigError(`${name} must be 1 or 0, not "${env[name]}"`);
}

function readRedisUrl(env: Env): string | undefined {
	const raw = env.REDIS_URL?.trim();
	if (!raw) return undefined;
	if (!/^rediss?:\/\/[^\s]+$/.test(raw)) {
		throw new ConfigError(`REDIS_URL must look like redis://host:6379, not "${raw}"`);
	}
	return raw;
}

function readNodeName(env: Env): string {
	const raw = env.NODE_NAME?.trim() || '1';
	if (!/^[A-Za-z0-9_-]{1,32}$/.test(raw)) {
		throw new ConfigError(`NODE_NAME must be 1 to 32 letters, digits, - or _, not "${raw}"`);
	}
	return raw;
}

export function readConfig(env: Env = process.env, argv: string[] = []): Config {
	const host = env.HOST?.trim() || '0.0.0.0';
	const resumeGraceSeconds = readInteger(env, 'RESUME_GRACE_SECONDS', 15, 0, 3600);
	const uploadDir = env.UPLOAD_DIR?.trim();
	const iceServers = readIceServers(env);
	const turn = readTurn(env);
	return {
		port: readInteger(env, 'PORT', 3000, 0, 65535),
		host,
		iceServers,
		turn,
		iceTransportPolicy: readIceTransportPolicy(env, iceServers, turn),
		emptyRoomSeconds: readInteger(env, 'EMPTY_ROOM_SECONDS', 300, 0, 7 * 24 * 3600),
		unjoinedRoomSeconds: readInteger(env, 'UNJOINED_ROOM_SECONDS', 600, 1, 7 * 24 * 3600),
		resumeGraceSeconds,
		reloadGraceSeconds: readInteger(env, 'RELOAD_GRACE_SECONDS', 5, 0, 3600),
		maxSeats: readInteger(env, 'MAX_SEATS', MAX_SEATS, MIN_SEATS, MAX_SEATS),
		pingIntervalSeconds: 5,
		pingTimeoutSeconds: 5,
		staticDir: resolve(env.STATIC_DIR?.trim() || resolve(import.meta.dirname, '..', 'build')),
		trustProxy: readBoolean(env, 'TRUST_PROXY'),
		rateWindowSeconds: readInteger(env, 'RATE_WINDOW_SECONDS', 10, 1, 3600),
		eventPointsPerConnection: readInteger(env, 'EVENT_POINTS_PER_CONNECTION', 600, 1, 1e9),
		eventPointsPerAddress: readInteger(env, 'EVENT_POINTS_PER_ADDRESS', 4800, 1, 1e9),
		fileRequestsPerAddress: readInteger(env, 'FILE_REQUESTS_PER_ADDRESS', 600, 1, 1e9),
		maxConnectionsPerAddress: readInteger(env, 'MAX_CONNECTIONS_PER_ADDRESS', 50, 1, 1e9),
		roomsPerAddressPerMinute: readInteger(env, 'ROOMS_PER_ADDRESS_PER_MINUTE', 30, 1, 1e9),
		maxRooms: readInteger(env, 'MAX_ROOMS', 10_000, 1, 1e9),
		maxUnreadBytes: readBytes(env, 'MAX_UNREAD_BYTES', 2 * 2 ** 20, 256 * 1024),
		allowedOrigins: readOrigins(env, 'ALLOWED_ORIGINS'),
		quiet: env.QUIET === '1',
		https: argv.includes('--https') || readBoolean(env, 'HTTPS'),
		httpsCertPath: env.HTTPS_CERT?.trim() || undefined,
		httpsKeyPath: env.HTTPS_KEY?.trim() || undefined,
		tlsDir: resolve(env.TLS_DIR?.trim() || resolve(import.meta.dirname, '..', '.dropcall', 'tls')),
		uploadDir: uploadDir ? resolve(uploadDir) : undefined,
		fileGraceSeconds: readInteger(env, 'FILE_GRACE_SECONDS', resumeGraceSeconds, 0, 3600),
		maxFileBytes: readBytes(env, 'MAX_FILE_BYTES', 2 * 2 ** 30, 1),
		maxRoomBytes: readBytes(env, 'MAX_ROOM_BYTES', 5 * 2 ** 30, 1),
		maxStoreBytes: readBytes(env, 'MAX_STORE_BYTES', 20 * 2 ** 30, 1),
		minFreeBytes: readBytes(env, 'MIN_FREE_BYTES', 2 ** 30, 0),
		abandonedUploadSeconds: readInteger(env, 'ABANDONED_UPLOAD_SECONDS', 60, 1, 3600),
		minUploadBytesPerSecond: readBytes(env, 'MIN_UPLOAD_BYTES_PER_SECOND', 8 * 2 ** 10, 0),
		maxPendingBytesPerSeat: readBytes(env, 'MAX_PENDING_BYTES_PER_SEAT', 4 * 2 ** 30, 0),
		maxPendingBytesPerAddress: readBytes(env, 'MAX_PENDING_BYTES_PER_ADDRESS', 5 * 2 ** 30, 0),
		minStoredFileBytes: readBytes(env, 'MIN_STORED_FILE_BYTES', 64 * 2 ** 10, 0),
		maxRoomFiles: readInteger(env, 'MAX_ROOM_FILES', 500, 1, 1_000_000),
		maxStoreFiles: readInteger(env, 'MAX_STORE_FILES', 10_000, 1, 10_000_000),
		fileLinkSeconds: readInteger(env, 'FILE_LINK_SECONDS', 600, 30, 24 * 3600),
		uploadDrainSeconds: readInteger(env, 'UPLOAD_DRAIN_SECONDS', 0, 0, 3600),
		redisUrl: readRedisUrl(env),
		nodeName: readNodeName(env)
	};
}
