/**
 * The shared files a room asks about before uploading them. The service worker cannot tell
 * the phone's share sheet from a form on another site posting to the share target (both are
 * top-level POST navigations), so nothing waiting in the inbox leaves the device until the
 * person presses "Share" in the room it would go to.
 */
import { clearPendingShare, loadPendingShare, type PendingShare } from './inbox';

export class ShareOffer {
	/** The share being asked about, if any. */
	share = $state<PendingShare>();

	/** Asks about the waiting share; one with no files has nothing to upload and is dropped. */
	async ask(): Promise<void> {
		const share = await loadPendingShare();
		if (share?.files.length) this.share = share;
		else if (share) await clearPendingShare(share);
	}

	/** The person said "Share": the files to upload, taken out of the inbox. */
	accept(): File[] {
		const share = this.share;
		this.share = undefined;
		if (!share) return [];
		void clearPendingShare(share);
		return share.files;
	}

	/** The person said "Not now": the files are dropped from this device, not kept for later. */
	async decline(): Promise<void> {
		const share = this.share;
		this.share = undefined;
		if (share) await clearPendingShare(share);
	}
}
