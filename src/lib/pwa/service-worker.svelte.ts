/**
 * When this page registers the service worker. Its first install fetches and stores every file
 * of the app (the precache), and each later registration looks for a new version, which does
 * the same when there is one: a second or more of the browser's network, storage and worker
 * threads. Made while someone joined a call, in the call benchmark's two-person join on two
 * cores, it held the first remote frame up from 184 to 208 ms (medians of 25). So a page
 * registers it once it has a moment, and a room page only once the person's call has gone a
 * while without a connection being made, or they leave it; a sealed download, which needs the
 * worker, asks for it at once.
 */
import { registerSW } from 'virtual:pwa-register';
import { whenIdle } from '../idle';

class ServiceWorkerRegistration {
	/** A new version is installed and waits for the person to reload (registerType 'prompt'). */
	needsRefresh = $state(false);
	#update: ((reloadPage?: boolean) => Promise<void>) | undefined;
	#holds = 0;
	#isWanted = false;
	#reportFailure: () => void = () => {};
	/** Settles if registering fails: a browser that refuses workers here (a private window). */
	readonly failed = new Promise<void>((resolve) => (this.#reportFailure = resolve));

	/**
	 * Registers now, whatever holds it back: something on this page needs the worker. True when
	 * this call registered it (its install has only begun), false when it was already.
	 */
	registerNow(): boolean {
		if (this.#update || typeof navigator === 'undefined' || !('serviceWorker' in navigator)) {
			return false;
		}
		this.#update = registerSW({
			immediate: true,
			onNeedRefresh: () => (this.needsRefresh = true),
			onRegisterError: (error) => {
				console.warn('Service worker registration failed', error);
				this.#reportFailure();
			}
		});
		return true;
	}

	/** Registers once the page has a moment, when nothing holds it back (see `hold`). */
	registerWhenFree(): void {
		this.#isWanted = true;
		this.#registerIfFree();
	}

	/** Keeps registration back until the function returned is called (once or more). */
	hold(): () => void {
		this.#holds += 1;
		let isHeld = true;
		return () => {
			if (!isHeld) return;
			isHeld = false;
			this.#holds -= 1;
			this.#registerIfFree();
		};
	}

	/** Lets the waiting new version take over, which reloads the page. */
	async update(): Promise<void> {
		await this.#update?.(true);
	}

	#registerIfFree(): void {
		if (!this.#isWanted || this.#holds > 0 || this.#update) return;
		whenIdle(() => {
			if (this.#holds === 0) this.registerNow();
		});
	}
}

export const serviceWorker = new ServiceWorkerRegistration();
