import { expect, test } from '@playwright/test';
import { io, type Socket } from 'socket.io-client';

/** Opens Socket.IO connections from this address until the server refuses one. */
async function fillConnections(url: string): Promise<Socket[]> {
	const sockets: Socket[] = [];
	for (;;) {
		const socket = io(url, { transports: ['websocket'], forceNew: true, reconnection: false });
		const isConnected = await new Promise<boolean>((resolve) => {
			socket.once('connect', () => resolve(true));
			socket.once('connect_error', () => resolve(false));
		});
		if (!isConnected) return sockets;
		sockets.push(socket);
	}
}

test('someone whose address has too many connections is told so in words', async ({
	page,
	baseURL
}) => {
	await page.goto('/');
	const sockets = await fillConnections(baseURL!);
	expect(sockets.length).toBeGreaterThan(0);
	try {
		await page.getByRole('button', { name: 'Create room' }).click();
		await expect(page.getByRole('alert')).toHaveText(
			'Too many Dropcall connections from your network right now. Close a Dropcall tab or wait a minute, then try again.'
		);
	} finally {
		for (const socket of sockets) socket.close();
	}
});
