/**
 * When the call is drawn, in two steps, so that drawing it never holds up the connections.
 *
 * Drawing the call takes the main thread for tens of milliseconds (over a hundred on a busy
 * phone), and every step of a connection's offer and answer waits for the main thread between
 * its network round trips: drawn once the offers were out, the call held up the answers that
 * arrived meanwhile, and the candidates with them. So it is drawn once an answer is set, while
 * that connection's ICE and DTLS come up on the browser's network thread. The first answer, not
 * the last: joining three people on a busy machine, the last answer came 300 ms after the first,
 * and the call drawn only then showed the first person's frames that much later; the answers
 * still to come wait for the drawing, a few tens of milliseconds.
 *
 * With the call come the tiles and the controls a person needs first (microphone, camera, chat,
 * Leave); the rest (invite buttons, the people and files panel, the less used controls) once
 * every camera's first frame is on screen and the page has a moment: drawn with the call, or
 * even between a camera's first packets and its first painted frame, they held up those frames
 * by tens of milliseconds.
 *
 * Even drawn then, the call took the main thread between the answer set and the first remote
 * frame (in a traced two-person join, 19 ms of Svelte and 26 ms of style and layout). So while
 * the person is still on the join screen, which they read for seconds, the call is drawn ahead,
 * out of sight (`isAhead`), and the draw itself only reveals it. Not while coming back after a
 * reload: that page joins at once, and drawing then would compete with its signaling.
 */
import type { Mesh } from '../call/mesh.svelte';
import { whenIdle } from '../idle';
import type { RoomSession } from './session.svelte';

/** The longest the call waits to be drawn for an answer to its connections' first offers. */
const ANSWERS_WAIT_MS = 400;
/** The longest the rest of the call waits for everyone's media, and then for a moment. */
const COMPLETE_WAIT_MS = 1500;
const IDLE_WAIT_MS = 300;
/** The longest the join screen waits for a quiet moment to draw the call ahead. */
const AHEAD_WAIT_MS = 1000;

/** Create while a component initialises: it watches the session for as long as that lives. */
export class CallDrawing {
	/** Drawn out of sight, ready to be revealed (see CallScreen's `isShown`). */
	isAhead = $state(false);
	isDrawn = $state(false);
	isComplete = $state(false);

	/** `isOnJoinScreen`: the person is on the join screen, not coming back to the call. */
	constructor(session: RoomSession, mesh: Mesh, isOnJoinScreen: () => boolean) {
		$effect(() => {
			if (session.status === 'left' || session.status === 'ended') {
				this.isAhead = false;
				return;
			}
			if (this.isAhead || session.status !== 'idle' || !isOnJoinScreen()) return;
			let isCurrent = true;
			// A join pressed first is drawn when it is answered, as before: drawing it ahead then
			// would hold up the join's own signaling.
			whenIdle(() => {
				if (isCurrent && session.status === 'idle') this.isAhead = true;
			}, AHEAD_WAIT_MS);
			return () => {
				isCurrent = false;
			};
		});

		$effect(() => {
			if (!session.isInRoom) {
				if (session.status !== 'stopping') this.isDrawn = false;
				return;
			}
			if (this.isDrawn) return;
			let isCurrent = true;
			const drawAnyway = new Promise((resolve) => setTimeout(resolve, ANSWERS_WAIT_MS));
			void Promise.race([mesh.firstAnswerSet(), drawAnyway]).then(() => {
				if (!isCurrent) return;
				// The join screen goes as the call comes, and with it the focused Join button or
				// name field; moving focus off a removed element made the browser lay out the whole
				// new call there and then (50 to 180 ms on a busy machine). Let go of it first.
				if (document.activeElement instanceof HTMLElement) document.activeElement.blur();
				this.isDrawn = true;
			});
			return () => {
				isCurrent = false;
			};
		});

		$effect(() => {
			if (!this.isDrawn) {
				this.isComplete = false;
				return;
			}
			if (this.isComplete) return;
			let isCurrent = true;
			const complete = () => {
				if (isCurrent) this.isComplete = true;
			};
			// A connection that never comes up must not keep the rest of the call away for long.
			const completeAnyway = setTimeout(complete, COMPLETE_WAIT_MS);
			if (!mesh.isAwaitingMedia && !mesh.isAwaitingFirstFrames) whenIdle(complete, IDLE_WAIT_MS);
			return () => {
				isCurrent = false;
				clearTimeout(completeAnyway);
			};
		});
	}
}
