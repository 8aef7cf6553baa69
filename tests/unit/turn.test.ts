import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ConfigError, readConfig } from '../../server/config';
import { iceServersFor, mintTurnCredential } from '../../server/turn';

const settings = { urls: ['turn:turn.example.org:3478'], secret: 's3cret', ttlSeconds: 3600 };

describe('TURN credentials', () => {
	it('follow the TURN REST API scheme coturn checks', () => {
		const server = mintTurnCredential(settings, 'peer1234peer1234', 1_700_000_000_000);
		expect(server.username).toBe('1700003600:peer1234peer1234');
		const expected = createHmac('sha1', 's3cret').update(server.username!).digest('base64');
		expect(server.credential).toBe(expected);
		expect(server.urls).toEqual(settings.urls);
	});

	it('are added to the configured servers, never revealing the secret', () => {
		const servers = iceServersFor([{ urls: 'stun:stun.example.org' }], settings, 'p');
		expect(servers).toHaveLength(2);
		expect(JSON.stringify(servers)).not.toContain('s3cret');
		expect(iceServersFor([{ urls: 'stun:x' }], undefined, 'p')).toEqual([{ urls: 'stun:x' }]);
	});

	it('come from TURN_SECRET and TURN_URLS, both or neither', () => {
		const config = readConfig({ TURN_SECRET: 'k', TURN_URLS: 'turn:a:3478, turns:b:5349' });
		expect(config.turn).toEqual({
			urls: ['turn:a:3478', 'turns:b:5349'],
			secret: 'k',
			ttlSeconds: 43200
		});
		expect(readConfig({}).turn).toBeUndefined();
		expect(() => readConfig({ TURN_SECRET: 'k' })).toThrow(ConfigError);
		expect(() => readConfig({ TURN_URLS: 'turn:a' })).toThrow('TURN_SECRET');
		expect(() => readConfig({ TURN_SECRET: 'k', TURN_URLS: 'http://a' })).toThrow('TURN_URLS');
	});

	it('can be made the only way, from ICE_TRANSPORT_POLICY, never without a TURN server', () => {
		expect(readConfig({}).iceTransportPolicy).toBe('all');
		const relay = { TURN_SECRET: 'k', TURN_URLS: 'turn:a:3478', ICE_TRANSPORT_POLICY: 'relay' };
		expect(readConfig(relay).iceTransportPolicy).toBe('relay');
		const fixedAccount = '[{"urls":"turn:a:3478","username":"u","credential":"c"}]';
		expect(
			readConfig({ ICE_SERVERS: fixedAccount, ICE_TRANSPORT_POLICY: 'relay' }).iceTransportPolicy
		).toBe('relay');
		expect(() => readConfig({ ICE_TRANSPORT_POLICY: 'relay' })).toThrow('TURN');
		expect(() => readConfig({ ...relay, ICE_TRANSPORT_POLICY: 'turn' })).toThrow(
			'ICE_TRANSPORT_POLICY'
		);
	});
});

describe('the join answer', () => {
	it('carries a TURN credential minted for the person joining', async () => {
		const { startServer, createRoom } = await import('./harness');
		const server = await startServer({ turn: settings });
		try {
			const socket = await server.client();
			const roomId = await createRoom(socket);
			const answer = await socket.emitWithAck('room:join', {
				roomId,
				name: 'Ana',
				media: { audio: true, video: false }
			});
			if (!answer.ok) throw new Error(answer.error.message);
			const turn = answer.iceServers.find((server) => server.username);
			expect(turn?.username).toMatch(new RegExp(`^\\d+:${answer.self.id}$`));
			expect(answer.iceTransportPolicy).toBe('all');
		} finally {
			await server.close();
		}
	});

	it('tells browsers to use only the relay when the server says so', async () => {
		const { startServer, createRoom } = await import('./harness');
		const server = await startServer({ turn: settings, iceTransportPolicy: 'relay' });
		try {
			const socket = await server.client();
			const roomId = await createRoom(socket);
			const answer = await socket.emitWithAck('room:join', {
				roomId,
				name: 'Ana',
				media: { audio: true, video: false }
			});
			if (!answer.ok) throw new Error(answer.error.message);
			expect(answer.iceTransportPolicy).toBe('relay');
		} finally {
			await server.close();
		}
	});
});

describe('the peek answer', () => {
	it('carries ICE servers while a seat is free, so a connection can be made before the join', async () => {
		const { startServer, createRoom } = await import('./harness');
		const server = await startServer({ turn: settings, iceTransportPolicy: 'relay' });
		try {
			const socket = await server.client();
			const roomId = await createRoom(socket, 2);
			const peek = await socket.emitWithAck('room:peek', { roomId });
			if (!peek.ok) throw new Error(peek.error.message);
			const turn = peek.iceServers?.find((server) => server.username);
			// Its own credential, minted as a join's is, with the same lifetime.
			const expiresAt = Number(turn?.username?.split(':')[0]);
			expect(expiresAt - Date.now() / 1000).toBeGreaterThan(settings.ttlSeconds - 60);
			expect(expiresAt - Date.now() / 1000).toBeLessThanOrEqual(settings.ttlSeconds);
			expect(peek.iceTransportPolicy).toBe('relay');

			for (const name of ['Ana', 'Bo']) {
				const member = await server.client();
				const joined = await member.emitWithAck('room:join', {
					roomId,
					name,
					media: { audio: true, video: false }
				});
				expect(joined.ok).toBe(true);
			}
			// A full room gives nobody a credential for the relay.
			const full = await socket.emitWithAck('room:peek', { roomId });
			if (!full.ok) throw new Error(full.error.message);
			expect(full.iceServers).toBeUndefined();
		} finally {
			await server.close();
		}
	});
});
