/** The floor's server: serves floor.html and relays signals between sockets of one room. */
import { readFileSync } from 'node:fs';
import { createServer, type Server as HttpServer } from 'node:http';
import { join } from 'node:path';
import { Server } from 'socket.io';

export function startFloorServer(): Promise<{ url: string; close: () => Promise<void> }> {
	const page = readFileSync(join(import.meta.dirname, 'floor.html'));
	const httpServer: HttpServer = createServer((_request, response) => {
		response.writeHead(200, { 'Content-Type': 'text/html' }).end(page);
	});
	const io = new Server(httpServer);
	io.on('connection', (socket) => {
		socket.on('join', async (room: string, ack: (others: string[]) => void) => {
			const others = (await io.in(room).fetchSockets()).map((other) => other.id);
			await socket.join(room);
			ack(others);
		});
		socket.on('signal', ({ to, ...rest }: { to: string }) => {
			io.to(to).emit('signal', { from: socket.id, ...rest });
		});
	});
	return new Promise((resolve) =>
		httpServer.listen(0, '127.0.0.1', () => {
			const address = httpServer.address();
			const port = typeof address === 'object' && address ? address.port : 0;
			resolve({
				url: `http://127.0.0.1:${port}/`,
				close: () => new Promise((done) => io.close(() => done()))
			});
		})
	);
}
