/**
 * The data channels every peer connection carries, with the fixed ids both sides use to
 * open them as negotiated channels. Chat, whiteboard and game traffic never touches the server.
 */
export const DATA_CHANNELS = [
	{ name: 'chat', id: 0 },
	{ name: 'board', id: 1 },
	{ name: 'game', id: 2 },
	{ name: 'hands', id: 3 },
	{ name: 'quality', id: 4 },
	{ name: 'recording', id: 5 }
] as const;

export type DataChannelName = (typeof DATA_CHANNELS)[number]['name'];
