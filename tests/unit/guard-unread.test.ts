/**
 * The slow-reader attack: one client joins a room, stops reading while still answering the
 * heartbeat, and another floods it with signals. The server runs in its own process so its
 * memory is measured alone.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { ClientToServer, Result, ServerToClient } from '../../src/lib/protocol';
import { RawSocketIo } from './raw-socket-io';

const MiB = 2 ** 20;
let staticDir: string;
let server: ChildProcess;
let port: number;

beforeAll(async () => {
	staticDir = mkdtempSync(join(tmpdir(), 'dropcall-static-'));
	writeFileSync(join(staticDir, 'index.html'), '<!doctype html>');
	server = spawn(process.execPath, ['--import', 'tsx', 'server/index.ts'], {
		env: {
			...process.env,
			HOST: '127.0.0.1',
			PORT: '0',
			STATIC_DIR: staticDir,
			QUIET: '1',
			// This test is about what waits unread, not about how fast anyone may send.
			EVENT_POINTS_PER_CONNECTION: '1000000',
			EVENT_POINTS_PER_ADDRESS: '1000000'
		},
		stdio: ['ignore', 'pipe', 'inherit']
	});
	port = await new Promise<number>((resolve) => {
		let text = '';
		server.stdout!.on('data', (chunk: Buffer) => {
			text += chunk.toString();
			const match = /running on http:\/\/[^:]+:(\d+)/.exec(text);
			if (match) resolve(Number(match[1]));
		});
	});
}, 30_000);

afterAll(() => {
	server.kill('SIGKILL');
	rmSync(staticDir, { recursive: true, force: true });
});

/** The server process's resident memory, as process.memoryUsage().rss would report it. */
function serverRssBytes(): number {
	const status = readFileSync(`/proc/${server.pid}/status`, 'utf8');
	return Number(/VmRSS:\s+(\d+) kB/.exec(status)![1]) * 1024;
}

type Client = Socket<ServerToClient, ClientToServer>;

it('cuts off a client that stops reading, and keeps the server from growing', async () => {
	const flooder: Client = io(`http://127.0.0.1:${port}`, {
		transports: ['websocket'],
		reconnection: false
	});
	const created = await flooder.emitWithAck('room:create', { seats: 2, devices: 'none' });
	if (!created.ok) throw new Error(created.error.message);
	const media = { audio: false, video: false };
	const reader = await RawSocketIo.open(port);
	const readerJoin = (await reader.request('room:join', {
		roomId: created.roomId,
		name: 'Reader',
		media
	})) as { ok: boolean; self: { id: string } };
	expect(readerJoin.ok).toBe(true);
	const flooderJoin = await flooder.emitWithAck('room:join', {
		roomId: created.roomId,
		name: 'Flooder',
		media
	});
	expect(flooderJoin.ok).toBe(true);

	reader.stopReading(1000);
	const rssBefore = serverRssBytes();
	let rssPeak = rssBefore;
	// 40 KiB descriptions, 100 MiB in all: far more than a kernel socket buffer holds.
	const description = { type: 'offer' as const, sdp: 'v=0\r\n'.padEnd(40 * 1024, 'a') };
	const answers: Result<object>[] = [];
	const batch = 50;
	for (let sent = 0; sent < 2560; sent += batch) {
		answers.push(
			...(await Promise.all(
				Array.from({ length: batch }, () =>
					flooder.emitWithAck('signal', { to: readerJoin.self.id, description })
				)
			))
		);
		rssPeak = Math.max(rssPeak, serverRssBytes());
	}
	const delivered = answers.filter((answer) => answer.ok).length;
	const refused = answers.filter((answer) => !answer.ok);
	const growthMiB = (rssPeak - rssBefore) / MiB;
	console.log(
		`slow reader: ${delivered} signals relayed before the cut-off, ${refused.length} refused after; ` +
			`server RSS grew ${growthMiB.toFixed(1)} MiB`
	);
	expect(refused.length).toBeGreaterThan(0);
	expect(refused[0]).toMatchObject({ ok: false, error: { code: 'peer-not-found' } });
	expect(growthMiB).toBeLessThan(64);
	reader.close();
	flooder.close();
}, 60_000);
