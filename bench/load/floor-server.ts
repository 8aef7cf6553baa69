/**
 * The floor for the load benchmark: the least Socket.IO server the bots can use, with no
 * checks, limits or room rules, on Socket.IO's defaults. What it costs per connection and per
 * relayed signal is what Socket.IO itself costs on this machine, so Dropcall's figures read
 * against it show what Dropcall adds.
 */
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';

type Ack = (answer: unknown) => void;

const httpServer = createServer();
const io = new Server(httpServer, { serveClient: false });
io.on('connection', (socket) => {
	socket.on('room:create', (_request: unknown, ack: Ack) =>
		ack({ ok: true, roomId: randomUUID() })
	);
	socket.on('room:join', (request: { roomId: string }, ack: Ack) => {
		void socket.join(request.roomId);
		ack({ ok: true, self: { id: socket.id } });
	});
	socket.on('signal', ({ to, ...rest }: { to: string }) => {
		io.to(to).emit('signal', { from: socket.id, ...rest });
	});
});
httpServer.listen(Number(process.env.PORT ?? 0), process.env.HOST ?? '127.0.0.1', () => {
	const { port } = httpServer.address() as AddressInfo;
	console.log(`floor running on http://127.0.0.1:${port}`);
});
process.on('SIGTERM', () => io.close(() => process.exit(0)));
