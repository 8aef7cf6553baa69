/**
 * The WAI-ARIA toolbar pattern for the call's controls: the toolbar is one stop for Tab, and
 * Left and Right (Home, End) move between its buttons, so a keyboard user passes a dozen
 * controls with one key press and comes back to the one they last used.
 * https://www.w3.org/WAI/ARIA/apg/patterns/toolbar/
 *
 * The buttons belong to several components and come and go (switch camera, a narrow screen's
 * More), so the attachment finds them in the DOM and keeps their tabindex as they change.
 * Buttons inside a group (the More disclosure) keep their own keys and stops.
 */
import type { Attachment } from 'svelte/attachments';

/** A horizontal toolbar: Up and Down stay free for the More disclosure's button. */
const KEYS = new Set(['ArrowRight', 'ArrowLeft', 'Home', 'End']);

export function rovingFocus(): Attachment<HTMLElement> {
	return (toolbar) => {
		let current: HTMLElement | undefined;
		const items = (): HTMLElement[] =>
			[...toolbar.querySelectorAll<HTMLButtonElement>('button')].filter(
				(button) =>
					!button.disabled &&
					!button.closest('[role="group"]') &&
					button.getClientRects().length > 0
			);
		const apply = () => {
			const list = items();
			if (!current || !list.includes(current)) current = list[0];
			for (const item of list) item.tabIndex = item === current ? 0 : -1;
		};
		const onFocusin = (event: FocusEvent) => {
			const list = items();
			if (event.target instanceof HTMLElement && list.includes(event.target)) {
				current = event.target;
				apply();
			}
		};
		const onKeydown = (event: KeyboardEvent) => {
			if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey) return;
			const list = items();
			const at = list.indexOf(event.target as HTMLElement);
			if (at === -1) return;
			if (!KEYS.has(event.key)) return;
			const next =
				event.key === 'ArrowRight'
					? (at + 1) % list.length
					: event.key === 'ArrowLeft'
						? (at - 1 + list.length) % list.length
						: event.key === 'Home'
							? 0
							: list.length - 1;
			event.preventDefault();
			list[next]!.focus();
		};
		// Measured before the next paint, not on each change: measuring the buttons the moment
		// the call is drawn made the browser lay the whole page out there and then, again.
		let frame: number | undefined;
		const schedule = () => {
			frame ??= requestAnimationFrame(() => {
				frame = undefined;
				apply();
			});
		};
		const observer = new MutationObserver(schedule);
		observer.observe(toolbar, {
			childList: true,
			subtree: true,
			attributes: true,
			attributeFilter: ['disabled', 'hidden', 'class']
		});
		toolbar.addEventListener('focusin', onFocusin);
		toolbar.addEventListener('keydown', onKeydown);
		schedule();
		return () => {
			if (frame !== undefined) cancelAnimationFrame(frame);
			observer.disconnect();
			toolbar.removeEventListener('focusin', onFocusin);
			toolbar.removeEventListener('keydown', onKeydown);
		};
	};
}
