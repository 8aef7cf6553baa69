/// <reference lib="webworker" />
/**
 * The service worker: the app shell from the precache so the installed app opens at once and
 * works offline, the share target that receives files from the phone's share sheet, and
 * sealed downloads opened on their way to disk.
 * Socket.IO, the file routes and the health route always go to the network.
 */
import {
	cleanupOutdatedCaches,
	createHandlerBoundToURL,
	precacheAndRoute
} from 'workbox-precaching';
import { NavigationRoute, registerRoute } from 'workbox-routing';
import { pendingShareFrom, savePendingShare } from './lib/share/inbox';
import { serveSealedDownloads } from './lib/files/sealed/worker-downloads';

declare let self: ServiceWorkerGlobalScope;

precacheAndRoute(self.__WB_MANIFEST);
cleanupOutdatedCaches();

const networkOnly = [
	/^\/socket\.io\//,
	/^\/files\//,
	/^\/healthz/,
	/^\/share-target/,
	/^\/sealed-downloads\//
];
// The single-page fallback answers every app route (/, /r/…) from the precache.
registerRoute(
	new NavigationRoute(createHandlerBoundToURL('index.html'), { denylist: networkOnly })
);

self.addEventListener('message', (event) => {
	if (event.data?.type === 'SKIP_WAITING') void self.skipWaiting();
});

// The first worker takes the page that installed it at once: its sealed downloads stream
// through the worker instead of waiting for a reload. (Updates still wait for the prompt.)
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));

serveSealedDownloads(self);

// The share sheet posts the files here (Web Share Target). They wait in IndexedDB while the
// person picks a room on /share; the POST itself never reaches the server.
self.addEventListener('fetch', (event) => {
	const url = new URL(event.request.url);
	if (event.request.method !== 'POST' || url.pathname !== '/share-target') return;
	event.respondWith(
		(async () => {
			try {
				await savePendingShare(await pendingShareFrom(await event.request.formData()));
				return Response.redirect('/share', 303);
			} catch {
				return Response.redirect('/share?failed=1', 303);
			}
		})()
	);
});
