/**
 * The seat's file credential, as the file routes need it. A page whose connection went quiet
 * for longer than the resume grace (a busy phone, a frozen tab) has lost its seat before it
 * notices, and its next join takes a new seat with a new credential. A request refused with
 * the old one waits for the next join answer and goes again, instead of failing with
 * "only people in the room" a moment before the page is back in the room.
 */

/** How long a refused request waits for the page to take its seat again before giving up. */
const REJOIN_WAIT_MS = 20_000;

export class SeatToken {
	#token: string | undefined;
	#isOver = false;
	#waiting = new Set<() => void>();

	/** The credential of the latest join answer, or undefined before one or after a refusal. */
	get current(): string | undefined {
		return this.#token;
	}

	/** A join answer arrived: its credential is the live one. */
	set(token: string): void {
		this.#token = token;
		this.#isOver = false;
		this.#wake();
	}

	/** The page left the room, or could not take a seat again: nothing is worth waiting for. */
	end(): void {
		this.#token = undefined;
		this.#isOver = true;
		this.#wake();
	}

	/**
	 * The server refused `token` as not a member's. If it is still the live one, the seat was
	 * lost under the page: requests wait for the next join. Says whether to try again.
	 */
	refused(token: string | undefined): boolean {
		if (this.#isOver) return false;
		if (token !== undefined && token === this.#token) this.#token = undefined;
		return true;
	}

	/** The live credential, waiting for the next join answer if there is none right now. */
	live(): Promise<string | undefined> {
		if (this.#token !== undefined || this.#isOver) return Promise.resolve(this.#token);
		return new Promise((resolve) => {
			const done = () => {
				clearTimeout(timer);
				this.#waiting.delete(done);
				resolve(this.#token);
			};
			const timer = setTimeout(done, REJOIN_WAIT_MS);
			this.#waiting.add(done);
		});
	}

	#wake(): void {
		for (const done of [...this.#waiting]) done();
	}
}

/** The part of a tus-js-client request that carries the credential. */
interface AuthorisedRequest {
	setHeader(name: string, value: string): void;
}

/**
 * One upload's use of the seat's credential: every request carries the live one (in a header,
 * never in a URL), and a refusal saying the seat is gone sends the request again once the page
 * has a seat again.
 */
export function seatAuthorisation(seat: SeatToken) {
	let sent: string | undefined;
	return {
		async authorise(request: AuthorisedRequest): Promise<void> {
			sent = await seat.live();
			request.setHeader('Authorization', `Bearer ${sent ?? ''}`);
		},
		/** Whether a refusal with `code` means the seat was lost under the request. */
		shouldRetryForSeat(code: string | undefined): boolean {
			return code === 'not-in-room' && seat.refused(sent);
		}
	};
}
