/**
 * Cuts off a client that stops reading. Whatever the server sends it waits in memory until it
 * reads, so one client that answers heartbeats but never reads, while another floods it with
 * signals, would otherwise grow the server without limit. Heartbeats say nothing about this;
 * what waits for the client does: engine.io's write buffer, then the WebSocket's own.
 */

/** An engine.io packet; `data` is what goes on the wire (a string, or binary). */
interface Packet {
	data?: unknown;
}

/** The parts of an engine.io connection that say what waits to be written to the client. */
export interface WatchedConnection {
	transport: { name: string; socket?: { bufferedAmount?: number; terminate?: () => void } };
	on(event: 'packetCreate', listener: (packet: Packet) => void): unknown;
	on(event: 'flush', listener: (packets: Packet[]) => void): unknown;
	close(discard?: boolean): unknown;
}

function packetBytes(packet: Packet): number {
	const { data } = packet;
	if (typeof data === 'string') return Buffer.byteLength(data);
	if (ArrayBuffer.isView(data) || data instanceof ArrayBuffer) return data.byteLength;
	return 0;
}

/**
 * Watches one connection: checked as each packet is queued for it, which is where relayed
 * signals and room broadcasts arrive, so the check costs one addition per packet.
 */
export function watchUnread(
	connection: WatchedConnection,
	maxUnreadBytes: number,
	onCutOff: (unreadBytes: number) => void = () => {}
): void {
	// Bytes in engine.io's write buffer: packets wait there while the transport is still busy
	// writing the previous ones, which is forever when the client does not read.
	let bufferedBytes = 0;
	let isCutOff = false;
	connection.on('flush', (packets) => {
		for (const packet of packets) bufferedBytes -= packetBytes(packet);
	});
	connection.on('packetCreate', (packet) => {
		bufferedBytes += packetBytes(packet);
		if (isCutOff) return;
		const { transport } = connection;
		const socketBytes =
			transport.name === 'websocket' ? (transport.socket?.bufferedAmount ?? 0) : 0;
		const unreadBytes = bufferedBytes + socketBytes;
		if (unreadBytes <= maxUnreadBytes) return;
		isCutOff = true;
		// Not inside the send that is under way (it may be one of a room broadcast's loop).
		process.nextTick(() => {
			onCutOff(unreadBytes);
			// Discarding closes at once, as a lost connection ("forced close"): the seat is held
			// for the resume grace, so a phone that merely stalled can come back.
			connection.close(true);
			// A WebSocket close waits for the client's answer, which a client that does not read
			// never sends; drop the connection and what waits in it now.
			connection.transport.socket?.terminate?.();
		});
	});
}
