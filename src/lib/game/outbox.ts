/**
 * How this device's game messages leave it: to one peer, to everyone, or to the host, who may
 * be this device itself.
 */
import type { OwnRole } from './engine-parts';
import type { GameState } from './machine';
import { stateToWire, type GameWire } from './wire';

export interface GameTransport {
	send(peerId: string, message: string): void;
	broadcast(message: string): void;
}

export function roundOf(state: GameState): { gameId: string; round: number } {
	return { gameId: state.gameId, round: state.round };
}

export class GameOutbox {
	#transport: GameTransport;
	#role: OwnRole;
	#receiveOwn: (selfId: string, data: string) => void;

	constructor(
		transport: GameTransport,
		role: OwnRole,
		receiveOwn: (selfId: string, data: string) => void
	) {
		this.#transport = transport;
		this.#role = role;
		this.#receiveOwn = receiveOwn;
	}

	send(peerId: string, wire: GameWire): void {
		this.#transport.send(peerId, JSON.stringify(wire));
	}

	broadcast(wire: GameWire): void {
		this.#transport.broadcast(JSON.stringify(wire));
	}

	sendState(peerId: string, state: GameState): void {
		this.send(peerId, this.#stateWire(state));
	}

	broadcastState(state: GameState): void {
		this.broadcast(this.#stateWire(state));
	}

	toHost(wire: GameWire): void {
		const hostId = this.#role.hostId;
		if (!hostId) return;
		if (hostId === this.#role.selfId) {
			// Handled as a message from ourselves, after what we are doing now has finished.
			const selfId = hostId;
			queueMicrotask(() => this.#receiveOwn(selfId, JSON.stringify(wire)));
		} else {
			this.send(hostId, wire);
		}
	}

	#stateWire(state: GameState): GameWire {
		return { type: 'state', state: stateToWire(state, Date.now()) };
	}
}
