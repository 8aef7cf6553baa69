/**
 * One bot process of the load benchmark (bench/load.ts forks several, so the clients' own CPU
 * cost is spread over processes and reported apart from the server's). It opens Socket.IO
 * clients as a browser would (WebSocket only, one connection each), each from its own loopback
 * source address band, and answers the parent's commands over IPC:
 *   idle   → open `count` connections and keep them open (they answer pings, nothing else);
 *   rooms  → create `rooms` rooms of 4 and join them;
 *   relay  → every bot sends a 2 KiB signal to a room-mate once a second for `seconds`;
 *            the receiver records how long it took (sender and receiver share this process's
 *            clock, so no clock sync is involved);
 *   close  → disconnect everything.
 */
import { performance } from 'node:perf_hooks';
import { io, type Socket } from 'socket.io-client';
import type { ClientToServer, ServerToClient } from '../../src/lib/protocol.ts';
import { loopbackAddress } from './addresses.ts';

type Bot = Socket<ServerToClient, ClientToServer>;

export type Command =
	| { type: 'idle'; url: string; count: number; firstBot: number; perAddress: number }
	| {
			type: 'rooms';
			url: string;
			/** Several servers (a cluster): seat i of each room connects to urls[i % length]. */
			urls?: string[];
			rooms: number;
			firstBot: number;
			perAddress: number;
	  }
	| { type: 'relay'; seconds: number; warmUpSeconds: number; signalBytes: number }
	| { type: 'status' }
	| { type: 'close' };

export type Report =
	| { type: 'connected'; opened: number; failures: Record<string, number> }
	| { type: 'joined'; rooms: number; failures: Record<string, number> }
	| {
			type: 'relayed';
			/** Relay latencies in ms of the signals sent after the warm-up. */
			latenciesMs: Float64Array;
			sent: number;
			/** Signals sent in the measured window that never arrived before the end. */
			lost: number;
	  }
	| {
			type: 'status';
			connected: number;
			/** Connections that ended before the benchmark closed them, by Socket.IO's reason. */
			dropped: Record<string, number>;
	  }
	| { type: 'closed' };

/**
 * Connections being opened at once by one process: enough to be quick, few enough that the
 * server's listen backlog does not overflow on a busy machine (a dropped SYN waits seconds).
 */
const CONCURRENT_OPENS = 64;

const bots: Bot[] = [];
let dropped: Record<string, number> = {};
const send = (report: Report) => process.send!(report);

function open(url: string, localAddress: string): Promise<Bot> {
	return new Promise((resolve, reject) => {
		const bot: Bot = io(url, {
			transports: ['websocket'],
			reconnection: false,
			// Without it every io(url) shares one Manager, hence one connection.
			forceNew: true,
			timeout: 60_000,
			// engine.io-client hands it to ws, which binds the connection's source address.
			...({ localAddress } as object)
		});
		bot.once('connect', () => {
			bot.once('disconnect', (reason) => {
				if (reason !== 'io client disconnect') dropped[reason] = (dropped[reason] ?? 0) + 1;
			});
			resolve(bot);
		});
		bot.once('connect_error', (error: Error & { description?: unknown }) => {
			bot.close();
			reject(error);
		});
	});
}

/** The system error behind a failed open (EMFILE, EADDRNOTAVAIL…), or its message. */
function failureCode(error: unknown): string {
	const description = (error as { description?: { code?: string; message?: string } }).description;
	const cause = description as { error?: { code?: string } } | undefined;
	return (
		cause?.error?.code ??
		description?.code ??
		description?.message ??
		(error as Error).message ??
		String(error)
	);
}

/** Runs `work` for 0..count-1 with a bounded number in flight; counts failures by code. */
async function inParallel(count: number, inFlight: number, work: (index: number) => Promise<void>) {
	const failures: Record<string, number> = {};
	let next = 0;
	const worker = async () => {
		while (next < count) {
			const index = next++;
			try {
				await work(index);
			} catch (error) {
				const code = failureCode(error);
				failures[code] = (failures[code] ?? 0) + 1;
			}
		}
	};
	await Promise.all(Array.from({ length: Math.min(inFlight, count) }, worker));
	return failures;
}

async function openIdle(command: Extract<Command, { type: 'idle' }>) {
	const failures = await inParallel(command.count, CONCURRENT_OPENS, async (index) => {
		const bot = command.firstBot + index;
		bots.push(await open(command.url, loopbackAddress(bot, command.perAddress)));
	});
	send({ type: 'connected', opened: bots.length, failures });
}

/** Each room's members, in order; member i sends to member i+1 (mod 4). */
const rooms: { bot: Bot; peerId: string }[][] = [];

async function joinRooms(command: Extract<Command, { type: 'rooms' }>) {
	// A room opens 4 connections at once.
	const failures = await inParallel(command.rooms, CONCURRENT_OPENS / 4, async (index) => {
		const first = command.firstBot + index * 4;
		const members = await Promise.all(
			[0, 1, 2, 3].map((seat) =>
				open(
					command.urls?.[seat % command.urls.length] ?? command.url,
					loopbackAddress(first + seat, command.perAddress)
				)
			)
		);
		bots.push(...members);
		const created = await members[0]!.emitWithAck('room:create', { seats: 4, devices: 'none' });
		if (!created.ok) throw new Error(created.error.code);
		const room: { bot: Bot; peerId: string }[] = [];
		for (const [seat, bot] of members.entries()) {
			const joined = await bot.emitWithAck('room:join', {
				roomId: created.roomId,
				name: `Bot ${seat + 1}`,
				media: { audio: false, video: false }
			});
			if (!joined.ok) throw new Error(joined.error.code);
			room.push({ bot, peerId: joined.self.id });
		}
		rooms.push(room);
	});
	send({ type: 'joined', rooms: rooms.length, failures });
}

async function relay(command: Extract<Command, { type: 'relay' }>) {
	const latenciesMs: number[] = [];
	const startedAt = performance.now();
	const measuredFrom = startedAt + command.warmUpSeconds * 1000;
	const endsAt = measuredFrom + command.seconds * 1000;
	let sent = 0;
	let received = 0;
	// Candidate text is "<send time in ms> " then padding, up to the signal's size; the rest of
	// the payload must pass SignalSchema, so it stays a plausible ICE candidate otherwise.
	const envelopeBytes = JSON.stringify({
		to: 'x'.repeat(16),
		candidate: { candidate: '', sdpMid: '0', sdpMLineIndex: 0 }
	}).length;
	const padding = 'x'.repeat(Math.max(0, command.signalBytes - envelopeBytes - 20));
	for (const room of rooms) {
		for (const { bot } of room) {
			bot.on('signal', (signal) => {
				if (!('candidate' in signal) || !signal.candidate) return;
				const sentAt = Number(
					signal.candidate.candidate.slice(0, signal.candidate.candidate.indexOf(' '))
				);
				if (sentAt < measuredFrom || sentAt >= endsAt) return;
				received++;
				latenciesMs.push(performance.now() - sentAt);
			});
		}
	}
	const timers: NodeJS.Timeout[] = [];
	const totalBots = rooms.length * 4;
	let order = 0;
	for (const room of rooms) {
		for (const [seat, { bot }] of room.entries()) {
			const to = room[(seat + 1) % room.length]!.peerId;
			const tick = () => {
				const now = performance.now();
				if (now >= endsAt) return;
				if (now >= measuredFrom) sent++;
				// Without an ack, as browsers send signals: a refusal shows as not delivered.
				bot.emit('signal', {
					to,
					candidate: {
						candidate: `${now.toFixed(3)} ${padding}`,
						sdpMid: '0',
						sdpMLineIndex: 0
					}
				});
			};
			// Spread over the second so the server sees an even rate rather than bursts.
			const offsetMs = (1000 * order++) / totalBots;
			timers.push(
				setTimeout(() => {
					tick();
					timers.push(setInterval(tick, 1000));
				}, offsetMs)
			);
		}
	}
	await new Promise((resolve) => setTimeout(resolve, endsAt - performance.now() + 1000));
	for (const timer of timers) clearInterval(timer);
	for (const room of rooms) for (const { bot } of room) bot.off('signal');
	send({
		type: 'relayed',
		latenciesMs: Float64Array.from(latenciesMs),
		sent,
		lost: Math.max(0, sent - received)
	});
}

process.on('message', (command: Command) => {
	if (command.type === 'idle') void openIdle(command);
	else if (command.type === 'rooms') void joinRooms(command);
	else if (command.type === 'relay') void relay(command);
	else if (command.type === 'status') {
		send({ type: 'status', connected: bots.filter((bot) => bot.connected).length, dropped });
	} else {
		for (const bot of bots.splice(0)) bot.close();
		dropped = {};
		rooms.length = 0;
		send({ type: 'closed' });
	}
});
// The parent going away (stopped, crashed) must not leave this process holding connections.
process.on('disconnect', () => process.exit(0));
