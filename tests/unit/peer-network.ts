/**
 * Peers joined by in-memory channels for testing data-channel protocols without a browser:
 * ordered per pair like a reliable RTCDataChannel, delivered only when the test lets them
 * through, and recorded so a test can check who was told what.
 */
export interface Delivery {
	from: string;
	to: string;
	data: string;
}

type Receiver = (from: string, data: string) => void;

export class PeerNetwork {
	readonly delivered: Delivery[] = [];
	#receivers = new Map<string, Receiver>();
	#queue: Delivery[] = [];

	add(id: string, receive: Receiver): void {
		this.#receivers.set(id, receive);
	}

	/** A peer leaves: nothing more reaches it or comes from it. */
	remove(id: string): void {
		this.#receivers.delete(id);
		this.#queue = this.#queue.filter((message) => message.from !== id && message.to !== id);
	}

	transport(from: string) {
		return {
			selfId: () => from,
			send: (to: string, data: string) => {
				if (this.#receivers.has(to) && to !== from) this.#queue.push({ from, to, data });
			},
			broadcast: (data: string) => {
				for (const to of this.#receivers.keys()) {
					if (to !== from) this.#queue.push({ from, to, data });
				}
			}
		};
	}

	/** Delivers everything in flight, and whatever that causes, until all is quiet. */
	async settle(): Promise<void> {
		for (let rounds = 0; rounds < 10_000; rounds++) {
			// Let promise work (word lists loading, messages to oneself) run between deliveries.
			for (let i = 0; i < 5; i++) await Promise.resolve();
			const message = this.#queue.shift();
			if (!message) return;
			this.delivered.push(message);
			this.#receivers.get(message.to)?.(message.from, message.data);
		}
		throw new Error('The peers never stopped talking');
	}

	/**
	 * Delivers the first message in flight from one peer to another, ahead of the rest: two
	 * peers' messages to a third have no order between them.
	 */
	async deliver(from: string, to: string): Promise<void> {
		for (let i = 0; i < 5; i++) await Promise.resolve();
		const index = this.#queue.findIndex((message) => message.from === from && message.to === to);
		const [message] = index < 0 ? [] : this.#queue.splice(index, 1);
		if (!message) throw new Error(`Nothing on its way from ${from} to ${to}`);
		this.delivered.push(message);
		this.#receivers.get(message.to)?.(message.from, message.data);
	}

	/**
	 * Delivers everything in flight but what goes from one peer to another, which waits (in
	 * order) for a later settle: a slow path between two peers while the rest talk on.
	 */
	async settleExcept(from: string, to: string): Promise<void> {
		const isHeld = (message: Delivery) => message.from === from && message.to === to;
		for (let rounds = 0; rounds < 10_000; rounds++) {
			for (let i = 0; i < 5; i++) await Promise.resolve();
			const index = this.#queue.findIndex((message) => !isHeld(message));
			if (index < 0) return;
			const [message] = this.#queue.splice(index, 1);
			this.delivered.push(message!);
			this.#receivers.get(message!.to)?.(message!.from, message!.data);
		}
		throw new Error('The peers never stopped talking');
	}

	/** Delivers only the next message in flight, for tests that cut in between two. */
	async step(): Promise<void> {
		for (let i = 0; i < 5; i++) await Promise.resolve();
		const message = this.#queue.shift();
		if (!message) return;
		this.delivered.push(message);
		this.#receivers.get(message.to)?.(message.from, message.data);
	}

	/** What reached one peer, parsed. */
	received(id: string): { from: string; message: Record<string, unknown> }[] {
		return this.delivered
			.filter((message) => message.to === id)
			.map((message) => ({ from: message.from, message: JSON.parse(message.data) }));
	}
}
