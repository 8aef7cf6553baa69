/**
 * The file store: files shared in a room live on disk while their sender is in the room.
 * Composes the parts in server/files/ and ties them to the rooms: a sender who leaves takes
 * their files along, a dropped sender's files wait out the file grace, an ended room takes all.
 */
import * as v from 'valibot';
import { formatBytes } from '../src/lib/files/format.ts';
import {
	DeleteFileSchema,
	FILES_ON_NODE_PATH,
	FILES_PATH,
	type FileInfo,
	type ProtocolError
} from '../src/lib/protocol.ts';
import { answerer, invalid } from './answers.ts';
import { systemClock, type Clock, type Timer } from './clock.ts';
import type { SharedFiles } from './cluster/files.ts';
import type { Config } from './config.ts';
import { cancelled, FileCatalogue } from './files/catalogue.ts';
import { downloadRoute } from './files/downloads.ts';
import type { FileLedger } from './files/ledger.ts';
import { freeBytes, prepareUploadFolder, removeUploadFolder } from './files/folder.ts';
import { SenderGrace } from './files/grace.ts';
import { linkRoute } from './files/link-route.ts';
import { FileLinks } from './files/links.ts';
import { FileTokens } from './files/tokens.ts';
import { uploadRoute } from './files/uploads.ts';
import type { Handler } from './http.ts';
import { log, shortId } from './log.ts';
import type { RoomRegistry } from './registry.ts';
import type { DropcallServer } from './socket-types.ts';

export interface FileStoreDependencies {
	config: Config;
	registry: RoomRegistry;
	io: DropcallServer;
	clock?: Clock;
	/** Free bytes on the disk holding `folder`; tests replace it to fill a disk on demand. */
	freeBytes?: (folder: string) => Promise<number>;
	/** On several processes: the room's files on every process, and who holds each. */
	shared?: SharedFiles | undefined;
	/** On several processes: the storage limits counted in Redis; alone, in memory. */
	ledger?: FileLedger | undefined;
}

export interface FileStore {
	/** The HTTP routes under /files/: tus uploads, download links, downloads and previews. */
	handle: Handler;
	/** What a join answer carries about files: the seat's token and the room's files. */
	joinDetails(
		roomId: string,
		peerId: string
	): { fileToken: string; files: FileInfo[] } | Promise<{ fileToken: string; files: FileInfo[] }>;
	/** Where files are stored, for tests and the log. */
	folder: string;
	readonly fileCount: number;
	/**
	 * The first step of a graceful stop: refuses new uploads and waits for those under way to
	 * finish, at most `timeoutMs`; whatever is still streaming then is cut off by stop().
	 */
	drain(timeoutMs: number): Promise<void>;
	/** Waits for every deletion and removes the folder if this server made it. */
	stop(): Promise<void>;
}

const notInRoom: ProtocolError = { code: 'not-in-room', message: 'Join a room first' };

export function attachFiles({
	config,
	registry,
	io,
	clock = systemClock,
	freeBytes: measureFreeBytes = freeBytes,
	shared,
	ledger
}: FileStoreDependencies): FileStore {
	const folder = prepareUploadFolder(config.uploadDir);
	const catalogue = new FileCatalogue(folder.path, config, clock, ledger);
	const tokens = new FileTokens(registry);
	const isAway = (roomId: string, peerId: string) =>
		registry.get(roomId)?.members.get(peerId)?.connectionId === null;
	const grace = new SenderGrace({
		clock,
		graceMs: config.fileGraceSeconds * 1000,
		isAway,
		expire(roomId, peerId) {
			log(`files of a dropped sender in room ${shortId(roomId)} removed after the grace`);
			void catalogue.removeSender(roomId, peerId, cancelled.senderLeft);
		}
	});

	const tellCluster = (change: Promise<void> | undefined) =>
		void change?.catch((error: unknown) => {
			log(`could not update the shared file list: ${(error as Error).message}`);
		});
	catalogue.on('added', (roomId, file) => {
		io.to(roomId).emit('file:added', file);
		tellCluster(shared?.added(roomId, file));
		log(`file shared in room ${shortId(roomId)} (${formatBytes(file.size)})`);
	});
	catalogue.on('removed', (roomId, id) => {
		io.to(roomId).emit('file:removed', { id });
		tellCluster(shared?.removed(roomId, id));
	});
	registry.on('fileLost', (roomId, id) => {
		// Every process hears it once and tells its own people.
		io.local.to(roomId).emit('file:removed', { id, reason: 'server-lost' });
	});

	registry.on('peerLeft', (room, seat) => {
		grace.cancel(seat.peerId);
		tokens.revoke(seat.peerId);
		void catalogue.removeSender(room.id, seat.peerId, cancelled.senderLeft);
	});
	registry.on('roomEnded', (room) => {
		for (const peerId of room.members.keys()) grace.cancel(peerId);
		tokens.revokeRoom(room.id);
		void catalogue.removeRoom(room.id, cancelled.roomEnded);
	});

	io.on('connection', (socket) => {
		socket.on('file:delete', async (payload: unknown, ack: unknown) => {
			const answer = answerer<object>(ack);
			const request = v.safeParse(DeleteFileSchema, payload);
			if (!request.success) return answer({ ok: false, error: invalid(request.issues) });
			const { roomId, peerId } = socket.data;
			if (!roomId || !peerId) return answer({ ok: false, error: notInRoom });
			const file = catalogue.file(request.output.id);
			if (!file || file.roomId !== roomId) {
				return answer({
					ok: false,
					error: { code: 'file-not-found', message: 'This file is no longer shared.' }
				});
			}
			if (file.info.senderId !== peerId) {
				return answer({
					ok: false,
					error: {
						code: 'not-your-file',
						message: 'Only the person who shared a file can delete it.'
					}
				});
			}
			await catalogue.remove(file.info.id, cancelled.byUploader);
			answer({ ok: true });
		});

		socket.on('disconnect', () => {
			const { roomId, peerId, lastSeenAt } = socket.data;
			if (!roomId || !peerId) return;
			// Signaling's own disconnect listener decides whether the seat is held or freed; it
			// has run by the time this microtask does, whichever listener came first.
			queueMicrotask(() => {
				if (isAway(roomId, peerId)) grace.begin(roomId, peerId, Date.now() - lastSeenAt);
			});
		});
	});

	let isDraining = false;
	const uploads = uploadRoute({
		isDraining: () => isDraining,
		folder: folder.path,
		limits: config,
		catalogue,
		tokens,
		freeBytes: measureFreeBytes,
		trustProxy: config.trustProxy
	});
	const links = new FileLinks(clock, config.fileLinkSeconds, shared?.linkKey);
	const linkAnswers = linkRoute(
		async (id) => {
			const file = catalogue.file(id);
			if (file) {
				return { roomId: file.roomId, hasPreview: file.info.hasPreview, node: shared?.nodeName };
			}
			const held = await shared?.find(id);
			return held && { roomId: held.roomId, hasPreview: held.info.hasPreview, node: held.nodeName };
		},
		tokens,
		links
	);
	const downloads = downloadRoute(catalogue, links, registry);
	// The proxy sends /files/node/<name>/… here when <name> is this process: the rest of the
	// path is an ordinary file route.
	const ownPrefix = shared && `${FILES_ON_NODE_PATH}/${shared.nodeName}/`;

	return {
		folder: folder.path,
		handle: (request, response, next) => {
			if (ownPrefix && request.url?.startsWith(ownPrefix)) {
				request.url = `${FILES_PATH}/${request.url.slice(ownPrefix.length)}`;
			}
			uploads(request, response, () =>
				linkAnswers(request, response, () => downloads(request, response, next))
			);
		},
		joinDetails(roomId, peerId) {
			grace.cancel(peerId);
			const fileToken = tokens.issue(roomId, peerId);
			const here = catalogue.filesIn(roomId);
			if (!shared) return { fileToken, files: here };
			// Files held here are listed even before the shared list has them.
			return shared.filesIn(roomId).then((everywhere) => ({
				fileToken,
				files: [...everywhere.filter((file) => !here.some((own) => own.id === file.id)), ...here]
			}));
		},
		get fileCount() {
			return catalogue.fileCount;
		},
		async drain(timeoutMs) {
			isDraining = true;
			if (timeoutMs <= 0) return;
			let timer: Timer | undefined;
			await Promise.race([
				catalogue.whenNoUploads(),
				new Promise<void>((resolve) => (timer = clock.setTimeout(resolve, timeoutMs)))
			]);
			clock.clearTimeout(timer);
		},
		async stop() {
			grace.stop();
			await catalogue.settle();
			removeUploadFolder(folder);
		}
	};
}
