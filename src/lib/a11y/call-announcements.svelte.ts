/**
 * What the call says through its one live region (announcer.svelte.ts): who joined or left,
 * who muted, whose hand went up, chat messages while the chat is closed, and a lost connection.
 * Returns the function that stops listening; the room page calls it when the call goes away.
 */
import { untrack } from 'svelte';
import { m } from '../paraglide/messages.js';
import type { LocalMedia } from '../call/local-media.svelte';
import type { ChatLog } from '../chat/chat-log.svelte';
import type { Hands } from '../hands/hands.svelte';
import type { Recordings } from '../recording/recordings.svelte';
import type { PeerInfo } from '../protocol';
import type { RoomSession } from '../room/session.svelte';
import type { Announcer } from './announcer.svelte';

/** A chat message is read out up to here: the rest is in the chat for whoever opens it. */
const READ_OUT_CHARACTERS = 160;

interface CallParts {
	announcer: Announcer;
	session: RoomSession;
	local: LocalMedia;
	chat: ChatLog;
	hands: Hands;
	recordings: Recordings;
}

export function announceCallEvents({
	announcer,
	session,
	local,
	chat,
	hands,
	recordings
}: CallParts) {
	const say = (text: string) => announcer.announce(text);
	const nameOf = (peerId: string) =>
		session.peers.find((peer) => peer.id === peerId)?.name ?? m.someone();
	/** Who was here at the last change; undefined until we are in, so the people already there are not "joining". */
	let known: Map<string, PeerInfo> | undefined;

	function presenceChanged(): void {
		if (!session.isInRoom) {
			known = undefined;
			return;
		}
		const now = new Map(session.peers.map((peer) => [peer.id, peer]));
		if (known) {
			for (const [id, peer] of now) {
				const before = known.get(id);
				if (!before) say(m.announce_joined({ name: peer.name }));
				else if (isHeard(before) !== isHeard(peer)) {
					say(
						isHeard(peer)
							? m.announce_unmuted({ name: peer.name })
							: m.announce_muted({ name: peer.name })
					);
				}
			}
			for (const [id, peer] of known) if (!now.has(id)) say(m.announce_left({ name: peer.name }));
		}
		known = now;
	}

	const stops = [
		session.onPresence(presenceChanged),
		hands.onRaised((peerId) => say(m.announce_hand_raised({ name: nameOf(peerId) }))),
		recordings.onChanged((peerId, isRecording) => {
			const name = nameOf(peerId);
			say(
				isRecording
					? m.announce_recording_started({ name })
					: m.announce_recording_stopped({ name })
			);
		}),
		chat.onReceived((message) => {
			if (chat.isOpen) return; // the open chat's log reads it out
			const text =
				message.text.length > READ_OUT_CHARACTERS
					? `${message.text.slice(0, READ_OUT_CHARACTERS)}…`
					: message.text;
			say(m.announce_chat({ name: message.senderName, text }));
		}),
		$effect.root(() => {
			let wasMuted: boolean | undefined;
			$effect(() => {
				// Your own mic, too: a shortcut changes it without moving focus to the button.
				const isMuted = !local.audioTrack || local.isMuted;
				if (session.status === 'joined' && wasMuted !== undefined && wasMuted !== isMuted) {
					say(isMuted ? m.announce_your_mic_off() : m.announce_your_mic_on());
				}
				wasMuted = isMuted;
			});
			let wasRecording = false;
			$effect(() => {
				const isRecording = recordings.isMineRecording;
				if (isRecording !== wasRecording) {
					say(
						isRecording ? m.announce_your_recording_started() : m.announce_your_recording_saved()
					);
				}
				wasRecording = isRecording;
			});
			$effect(() => {
				if (recordings.error) say(recordings.error);
			});
			$effect(() => {
				if (session.status === 'reconnecting') say(m.connection_lost());
				else if (session.status === 'stopping') say(m.server_restarting());
			});
		})
	];
	// Called from the room page's effect: reading the people here must not make it depend on them.
	untrack(presenceChanged);
	return () => {
		for (const stop of stops) stop();
	};
}

function isHeard(peer: PeerInfo): boolean {
	return peer.media.audio && !peer.media.muted;
}
