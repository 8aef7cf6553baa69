/**
 * Where remote voices play: one <audio> element per person, all sent to the chosen speaker.
 * Browsers may refuse to start audio without a tap (iOS, or a page opened in the background);
 * then `isBlocked` shows the "Tap to turn on sound" button, whose tap starts them all.
 */
import { createContext } from 'svelte';
import type { Attachment } from 'svelte/attachments';

type SinkElement = HTMLAudioElement & { setSinkId?: (id: string) => Promise<void> };

export class SoundOutput {
	isBlocked = $state(false);
	speakerId = $state('');
	#elements = new Set<SinkElement>();

	/** Attach to each remote <audio>: plays its stream and follows the chosen speaker. */
	play(stream: MediaStream): Attachment<HTMLAudioElement> {
		return (element: SinkElement) => {
			this.#elements.add(element);
			element.srcObject = stream;
			void this.#start(element);
			if (this.speakerId) void element.setSinkId?.(this.speakerId).catch(() => {});
			return () => {
				this.#elements.delete(element);
				element.srcObject = null;
			};
		};
	}

	async unlock(): Promise<void> {
		this.isBlocked = false;
		await Promise.all([...this.#elements].map((element) => this.#start(element)));
	}

	async chooseSpeaker(deviceId: string): Promise<void> {
		this.speakerId = deviceId;
		await Promise.all(
			[...this.#elements].map((element) => element.setSinkId?.(deviceId).catch(() => {}))
		);
	}

	async #start(element: SinkElement): Promise<void> {
		try {
			await element.play();
		} catch (error) {
			if (error instanceof DOMException && error.name === 'NotAllowedError') this.isBlocked = true;
		}
	}
}

export const [getSoundOutput, setSoundOutput] = createContext<SoundOutput>();
