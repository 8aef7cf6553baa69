import { describe, expect, it } from 'vitest';
import { ConfigError, readConfig } from '../../server/config';

describe('configuration', () => {
	it('has working defaults', () => {
		const config = readConfig({});
		expect(config).toMatchObject({
			port: 3000,
			host: '0.0.0.0',
			emptyRoomSeconds: 300,
			resumeGraceSeconds: 15,
			maxSeats: 8
		});
		expect(config.iceServers[0]?.urls).toMatch(/^stun:/);
	});

	it('reads every documented variable', () => {
		const config = readConfig({
			PORT: '8080',
			HOST: '127.0.0.1',
			ICE_SERVERS: '[{"urls":["turn:turn.example.org:3478"],"username":"u","credential":"c"}]',
			EMPTY_ROOM_SECONDS: '0',
			RESUME_GRACE_SECONDS: '30',
			MAX_SEATS: '6'
		});
		expect(config).toMatchObject({
			port: 8080,
			host: '127.0.0.1',
			emptyRoomSeconds: 0,
			resumeGraceSeconds: 30,
			maxSeats: 6,
			iceServers: [{ urls: ['turn:turn.example.org:3478'], username: 'u', credential: 'c' }]
		});
	});

	it('stays one process in memory unless REDIS_URL names a Redis', () => {
		expect(readConfig({})).toMatchObject({ redisUrl: undefined, nodeName: '1' });
		expect(readConfig({ REDIS_URL: 'redis://10.0.0.5:6379', NODE_NAME: 'b-2' })).toMatchObject({
			redisUrl: 'redis://10.0.0.5:6379',
			nodeName: 'b-2'
		});
	});

	it.each([
		[{ REDIS_URL: 'localhost:6379' }, 'REDIS_URL'],
		[{ NODE_NAME: 'node one' }, 'NODE_NAME'],
		[{ PORT: 'eighty' }, 'PORT'],
		[{ PORT: '70000' }, 'PORT'],
		[{ MAX_SEATS: '20' }, 'MAX_SEATS'],
		[{ MAX_SEATS: '1' }, 'MAX_SEATS'],
		[{ RESUME_GRACE_SECONDS: '-1' }, 'RESUME_GRACE_SECONDS'],
		[{ EMPTY_ROOM_SECONDS: '1.5' }, 'EMPTY_ROOM_SECONDS'],
		[{ ICE_SERVERS: 'stun:x' }, 'ICE_SERVERS'],
		[{ ICE_SERVERS: '[{"urls":"http://x"}]' }, 'ICE_SERVERS'],
		[{ ALLOWED_ORIGINS: 'app.example.org' }, 'ALLOWED_ORIGINS'],
		[{ ALLOWED_ORIGINS: 'https://app.example.org/call' }, 'ALLOWED_ORIGINS'],
		[{ MAX_CONNECTIONS_PER_ADDRESS: '0' }, 'MAX_CONNECTIONS_PER_ADDRESS'],
		[{ MAX_UNREAD_BYTES: '1KiB' }, 'MAX_UNREAD_BYTES']
	])('stops with a message naming the bad variable: %o', (env, name) => {
		expect(() => readConfig(env)).toThrow(ConfigError);
		expect(() => readConfig(env)).toThrow(name);
	});

	it('reads the limits, with defaults that never bother honest use', () => {
		expect(readConfig({})).toMatchObject({
			maxConnectionsPerAddress: 50,
			roomsPerAddressPerMinute: 30,
			maxRooms: 10_000,
			maxUnreadBytes: 2 * 2 ** 20,
			allowedOrigins: []
		});
		const config = readConfig({
			ALLOWED_ORIGINS: 'https://app.example.org, http://localhost:5173/',
			MAX_UNREAD_BYTES: '4MiB',
			EVENT_POINTS_PER_ADDRESS: '100'
		});
		expect(config.allowedOrigins).toEqual(['https://app.example.org', 'http://localhost:5173']);
		expect(config.maxUnreadBytes).toBe(4 * 2 ** 20);
		expect(config.eventPointsPerAddress).toBe(100);
	});
});
