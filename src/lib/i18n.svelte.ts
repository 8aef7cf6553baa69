/**
 * The interface language: chosen from the browser's languages, switchable in settings and
 * remembered (Paraglide's localStorage strategy). Messages are compiled functions that read
 * the locale when called, so a switch re-renders the page under a key.
 */
import { getLocale, setLocale, type Locale } from './paraglide/runtime.js';

export const language = $state({ current: getLocale() });

export function changeLanguage(locale: Locale): void {
	setLocale(locale, { reload: false });
	language.current = locale;
}
