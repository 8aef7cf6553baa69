/// <reference lib="webworker" />
/**
 * The service worker: the app shell from the precache so the installed app opens at once and
 * works offline, and the share target that receives files from the phone's share sheet.
 * Socket.IO, the file routes and the health route always go to the network.
 */
import {
	cleanupOutdatedCaches,
	createHandlerBoundToURL,
	precacheAndRoute
} from 'workbox-precaching';
import { NavigationRoute, registerRoute } from 'workbox-routing';

declare let self: ServiceWorkerGlobalScope;

precacheAndRoute(self.__WB_MANIFEST);
cleanupOutdatedCaches();

const networkOnly = [/^\/socket\.io\//, /^\/files\//, /^\/healthz/, /^\/share-target/];
// The single-page fallback answers every app route (/, /r/…) from the precache.
registerRoute(
	new NavigationRoute(createHandlerBoundToURL('index.html'), { denylist: networkOnly })
);

self.addEventListener('message', (event) => {
	if (event.data?.type === 'SKIP_WAITING') void self.skipWaiting();
});
