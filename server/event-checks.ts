/**
 * The first check on every event a client sends, before any handler: an event the protocol does
 * not have, or one past the protocol's message limit, gets an error answer and goes no further.
 */
import { clientEvents } from '../src/lib/protocol.ts';
import { answerer } from './answers.ts';
import { fitsMessageLimit } from './message-size.ts';
import type { DropcallSocket } from './socket-types.ts';

export function checkEvents(socket: DropcallSocket): void {
	socket.use(([event, ...args], next) => {
		const ack = answerer(args.at(-1));
		if (!(clientEvents as readonly string[]).includes(event)) {
			ack({ ok: false, error: { code: 'invalid-request', message: `Unknown event "${event}"` } });
			return;
		}
		if (!fitsMessageLimit(args)) {
			ack({
				ok: false,
				error: { code: 'too-large', message: 'Message is larger than 64 KiB' }
			});
			return;
		}
		next();
	});
}
