/**
 * The share page talks to a tab that is in a call, over a BroadcastChannel (nothing leaves
 * the device): it asks which room that is, and has that tab ask the person about the waiting
 * files, so sharing into a running call never starts a second copy of the call.
 */
const CHANNEL = 'dropcall-current-call';

type Message = 'which-room' | 'take-share' | { roomId: string } | { tookShare: string };

export function answerCurrentCall(
	roomId: () => string | undefined,
	takeShare: () => Promise<void>
): () => void {
	if (typeof BroadcastChannel === 'undefined') return () => {};
	const channel = new BroadcastChannel(CHANNEL);
	channel.onmessage = ({ data }: MessageEvent<Message>) => {
		const room = roomId();
		if (!room) return;
		if (data === 'which-room') channel.postMessage({ roomId: room } satisfies Message);
		if (data === 'take-share') {
			void takeShare().then(() => channel.postMessage({ tookShare: room } satisfies Message));
		}
	};
	return () => channel.close();
}

function ask<T>(question: Message, pick: (data: Message) => T | undefined, waitMs: number) {
	if (typeof BroadcastChannel === 'undefined') return Promise.resolve(undefined);
	const channel = new BroadcastChannel(CHANNEL);
	return new Promise<T | undefined>((resolve) => {
		const done = (answer: T | undefined) => {
			clearTimeout(timer);
			channel.close();
			resolve(answer);
		};
		const timer = setTimeout(() => done(undefined), waitMs);
		channel.onmessage = ({ data }: MessageEvent<Message>) => {
			const answer = pick(data);
			if (answer !== undefined) done(answer);
		};
		channel.postMessage(question);
	});
}

/**
 * Calls back with the room this browser is in a call in, as soon as a tab says. Asks again
 * every second for a while: a call's tab in the background may be slow to wake.
 */
export function watchCurrentCall(onRoom: (roomId: string) => void): () => void {
	if (typeof BroadcastChannel === 'undefined') return () => {};
	const channel = new BroadcastChannel(CHANNEL);
	let asked = 0;
	const askAgain = () => {
		channel.postMessage('which-room' satisfies Message);
		if (++asked >= 10) clearInterval(timer);
	};
	const timer = setInterval(askAgain, 1000);
	channel.onmessage = ({ data }: MessageEvent<Message>) => {
		if (typeof data !== 'object' || !('roomId' in data)) return;
		clearInterval(timer);
		onRoom(data.roomId);
	};
	askAgain();
	return () => {
		clearInterval(timer);
		channel.close();
	};
}

/** Has the call's tab ask about the waiting files; resolves with its room once it asks. */
export const handShareToCurrentCall = () =>
	ask(
		'take-share',
		(data) => (typeof data === 'object' && 'tookShare' in data ? data.tookShare : undefined),
		5000
	);
