/**
 * A reloaded (or restored) tab coming back to its seat without pressing Join: the same
 * devices as before, on or off as they were, then the seat taken back with its resume token.
 */
import type { LocalMedia } from '../call/local-media.svelte';
import type { SoundOutput } from '../call/sound.svelte';
import { loadMediaPrefs } from '../prefs';
import type { SavedSeat } from './saved-seat';
import type { RoomSession } from './session.svelte';

export async function comeBack(
	session: RoomSession,
	local: LocalMedia,
	sound: SoundOutput,
	saved: SavedSeat
): Promise<boolean> {
	const isBack = await session.resumeSaved(saved, async () => {
		const prefs = await loadMediaPrefs();
		local.cameraId = prefs.cameraId;
		local.microphoneId = prefs.microphoneId;
		if (prefs.speakerId) void sound.chooseSpeaker(prefs.speakerId);
		await local.start({ audio: saved.media.audio, video: saved.media.video });
		local.setMuted(!!saved.media.muted);
		// What actually opened: a camera taken by another app since is simply off.
		return { audio: local.media.audio, video: local.media.video, muted: local.media.muted };
	});
	// The join screen opens the devices it offers itself.
	if (!isBack) local.stop();
	return isBack;
}
