/**
 * Transfer speed over a sliding window: steady enough to read, quick enough to follow a phone
 * walking from Wi-Fi to mobile data.
 */
const WINDOW_MS = 4000;

interface Sample {
	at: number;
	bytes: number;
}

export class TransferRate {
	#samples: Sample[] = [];

	/** Records that `bytes` in total had been sent at time `at` (milliseconds). */
	record(bytes: number, at: number): void {
		const last = this.#samples.at(-1);
		// A resumed upload may report an offset below the last one; start the window again.
		if (last && bytes < last.bytes) this.#samples = [];
		this.#samples.push({ bytes, at });
		while (this.#samples.length > 2 && at - this.#samples[0]!.at > WINDOW_MS) {
			this.#samples.shift();
		}
	}

	/** Bytes per second, or undefined until there is enough to say. */
	bytesPerSecond(): number | undefined {
		const first = this.#samples[0];
		const last = this.#samples.at(-1);
		if (!first || !last || last.at - first.at < 250) return undefined;
		return ((last.bytes - first.bytes) * 1000) / (last.at - first.at);
	}

	reset(): void {
		this.#samples = [];
	}
}
