/**
 * Just enough WebSocket, engine.io and Socket.IO, over a bare TCP socket, to act as a client
 * the real libraries would never be: one that answers heartbeats but stops reading.
 */
import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';

function maskedFrame(text: string): Buffer {
	const payload = Buffer.from(text);
	const length = payload.length;
	const header =
		length < 126
			? Buffer.from([0x81, 0x80 | length])
			: length < 65536
				? Buffer.from([0x81, 0x80 | 126, length >> 8, length & 0xff])
				: Buffer.concat([Buffer.from([0x81, 0x80 | 127]), bigEndian64(length)]);
	const mask = randomBytes(4);
	const masked = Buffer.alloc(length);
	for (let i = 0; i < length; i++) masked[i] = payload[i]! ^ mask[i % 4]!;
	return Buffer.concat([header, mask, masked]);
}

function bigEndian64(value: number): Buffer {
	const bytes = Buffer.alloc(8);
	bytes.writeBigUInt64BE(BigInt(value));
	return bytes;
}

export class RawSocketIo {
	readonly #tcp: Socket;
	#received = Buffer.alloc(0);
	#nextAckId = 0;
	readonly #acks = new Map<number, (answer: unknown) => void>();
	#pongTimer: NodeJS.Timeout | undefined;

	private constructor(tcp: Socket) {
		this.#tcp = tcp;
	}

	/** Opens a WebSocket to Socket.IO and connects to its main namespace. */
	static async open(port: number, headers: Record<string, string> = {}): Promise<RawSocketIo> {
		const tcp = connect(port, '127.0.0.1');
		await new Promise<void>((resolve, reject) => {
			tcp.once('connect', resolve);
			tcp.once('error', reject);
		});
		const extra = Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`);
		tcp.write(
			`GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n` +
				`Upgrade: websocket\r\nConnection: Upgrade\r\n` +
				`Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n` +
				`${extra.join('')}\r\n`
		);
		const client = new RawSocketIo(tcp);
		const opened = client.#nextText((text) => text.startsWith('0'));
		const connected = client.#nextText((text) => text.startsWith('40'));
		let head = Buffer.alloc(0);
		const onHead = (chunk: Buffer) => {
			head = Buffer.concat([head, chunk]);
			const end = head.indexOf('\r\n\r\n');
			if (end < 0) return;
			tcp.off('data', onHead);
			if (!head.subarray(0, 12).toString().includes('101')) {
				tcp.destroy(new Error(`handshake refused: ${head.toString()}`));
				return;
			}
			tcp.on('data', (data: Buffer) => client.#read(data));
			client.#read(head.subarray(end + 4));
		};
		tcp.on('data', onHead);
		await opened;
		client.#send('40');
		await connected;
		return client;
	}

	/** Sends an event and resolves with its acknowledgement (while this client still reads). */
	request(event: string, ...args: unknown[]): Promise<unknown> {
		const id = this.#nextAckId++;
		const answered = new Promise<unknown>((resolve) => this.#acks.set(id, resolve));
		this.#send(`42${id}${JSON.stringify([event, ...args])}`);
		return answered;
	}

	/**
	 * Stops reading for good, and answers the heartbeat blindly instead, so the server sees
	 * a live client whatever waits for it.
	 */
	stopReading(pongEveryMs: number): void {
		this.#tcp.pause();
		this.#pongTimer = setInterval(() => this.#send('3'), pongEveryMs);
	}

	close(): void {
		clearInterval(this.#pongTimer);
		this.#tcp.destroy();
	}

	#textListeners = new Set<(text: string) => void>();

	#nextText(matches: (text: string) => boolean): Promise<string> {
		return new Promise((resolve) => {
			const listener = (text: string) => {
				if (!matches(text)) return;
				this.#textListeners.delete(listener);
				resolve(text);
			};
			this.#textListeners.add(listener);
		});
	}

	#send(text: string): void {
		if (!this.#tcp.destroyed) this.#tcp.write(maskedFrame(text));
	}

	#read(data: Buffer): void {
		this.#received = Buffer.concat([this.#received, data]);
		for (;;) {
			const frame = this.#takeFrame();
			if (frame === undefined) return;
			this.#onText(frame);
		}
	}

	/** One unmasked server frame off the front of what arrived, or undefined if incomplete. */
	#takeFrame(): string | undefined {
		const bytes = this.#received;
		if (bytes.length < 2) return undefined;
		let length = bytes[1]! & 0x7f;
		let offset = 2;
		if (length === 126) {
			if (bytes.length < 4) return undefined;
			length = bytes.readUInt16BE(2);
			offset = 4;
		} else if (length === 127) {
			if (bytes.length < 10) return undefined;
			length = Number(bytes.readBigUInt64BE(2));
			offset = 10;
		}
		if (bytes.length < offset + length) return undefined;
		const text = bytes.subarray(offset, offset + length).toString();
		this.#received = bytes.subarray(offset + length);
		return text;
	}

	#onText(text: string): void {
		if (text === '2') return this.#send('3');
		for (const listener of [...this.#textListeners]) listener(text);
		const ack = /^43(\d+)(\[.*)$/s.exec(text);
		if (ack) {
			const id = Number(ack[1]);
			this.#acks.get(id)?.((JSON.parse(ack[2]!) as unknown[])[0]);
			this.#acks.delete(id);
		}
	}
}
