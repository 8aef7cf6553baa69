import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JoinAnswer, Result } from '../../src/lib/protocol';
import { startServer } from './harness';

let scratch: string;
beforeAll(() => {
	scratch = mkdtempSync(join(tmpdir(), 'dropcall-sweep-test-'));
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** The id of a process that has already exited. */
function deadPid(): number {
	return spawnSync(process.execPath, ['-e', '']).pid!;
}

describe('at start, the server removes what a crash left behind', () => {
	it('in UPLOAD_DIR, only the stored files, never anything else in the folder', async () => {
		const folder = join(scratch, 'configured');
		mkdirSync(folder);
		for (const name of ['AAAAAAAAAAAAAAAAAAAAAA', 'Zx_9-Zx_9-Zx_9-Zx_9-ab']) {
			writeFileSync(join(folder, name), 'left by a crash');
		}
		writeFileSync(join(folder, 'notes.txt'), 'not ours');
		const server = await startServer({ uploadDir: folder });
		expect(readdirSync(folder)).toEqual(['notes.txt']);
		await server.close();
		expect(readdirSync(folder)).toEqual(['notes.txt']);
	});

	it('stops cleanly when UPLOAD_DIR was removed while it ran', async () => {
		const folder = join(scratch, 'removed');
		mkdirSync(folder);
		const server = await startServer({ uploadDir: folder });
		rmSync(folder, { recursive: true });
		await expect(server.close()).resolves.toBeUndefined();
	});

	it('in the temp dir, the folders of servers that are gone, not of those still running', async () => {
		const parent = join(tmpdir(), 'dropcall-files');
		mkdirSync(parent, { recursive: true });
		const crashed = join(parent, `${deadPid()}-crashed`);
		const running = join(parent, `${process.ppid}-running`);
		for (const folder of [crashed, running]) {
			mkdirSync(folder, { recursive: true });
			writeFileSync(join(folder, 'AAAAAAAAAAAAAAAAAAAAAA'), 'bytes');
		}
		const server = await startServer();
		expect(existsSync(crashed)).toBe(false);
		expect(existsSync(running)).toBe(true);
		await server.close();
		rmSync(running, { recursive: true, force: true });
	});

	it('says which setting is wrong when UPLOAD_DIR cannot be used', async () => {
		const file = join(scratch, 'a-file');
		writeFileSync(file, '');
		await expect(startServer({ uploadDir: join(file, 'uploads') })).rejects.toThrow(
			/^UPLOAD_DIR ".*" cannot be used/
		);
	});
});

describe('a server process killed mid-flight', () => {
	it('leaves files that the next start removes', async () => {
		const folder = join(scratch, 'killed');
		const staticDir = join(scratch, 'static');
		mkdirSync(staticDir, { recursive: true });
		writeFileSync(join(staticDir, 'index.html'), '<!doctype html>');
		const start = () =>
			spawn(process.execPath, ['--import', 'tsx', 'server/index.ts'], {
				env: {
					...process.env,
					HOST: '127.0.0.1',
					PORT: '0',
					STATIC_DIR: staticDir,
					UPLOAD_DIR: folder
				},
				stdio: ['ignore', 'pipe', 'pipe']
			});
		const urlOf = (child: ChildProcess) =>
			new Promise<string>((resolve) => {
				let text = '';
				child.stdout!.on('data', (chunk: Buffer) => {
					text += chunk.toString();
					const match = /running on (http:\/\/\S+)/.exec(text);
					if (match) resolve(match[1]!);
				});
			});

		const first = start();
		const url = await urlOf(first);
		const socket = io(url, { transports: ['websocket'], reconnection: false });
		const roomId = await socket
			.emitWithAck('room:create', { seats: 2, devices: 'none' })
			.then((answer: Result<{ roomId: string }>) => (answer.ok ? answer.roomId : ''));
		const joined = (await socket.emitWithAck('room:join', {
			roomId,
			name: 'Ana',
			media: { audio: false, video: false }
		})) as Result<JoinAnswer>;
		if (!joined.ok) throw new Error(joined.error.message);
		const created = await fetch(`${url}/files/uploads`, {
			method: 'POST',
			headers: {
				'Tus-Resumable': '1.0.0',
				'Upload-Length': '100',
				Authorization: `Bearer ${joined.fileToken}`
			}
		});
		expect(created.status).toBe(201);
		expect(readdirSync(folder)).toHaveLength(1);
		// Killed before anyone leaves: nothing gets the chance to clean up.
		const exited = new Promise((resolve) => first.on('exit', resolve));
		first.kill('SIGKILL');
		await exited;
		socket.close();
		expect(readdirSync(folder)).toHaveLength(1);

		const second = start();
		await urlOf(second);
		expect(readdirSync(folder)).toEqual([]);
		const stopped = new Promise((resolve) => second.on('exit', resolve));
		second.kill('SIGTERM');
		await stopped;
	});
});
