/**
 * The folder shared files live in, and the sweep that removes what a crashed server left there.
 *
 * Without UPLOAD_DIR each server makes a fresh folder `<tmp>/dropcall-files/<pid>-<random>` and
 * removes it when it stops; a crash leaves it behind, so at start every sibling folder whose
 * process is gone is removed. Servers running side by side (tests, dev next to start) never
 * touch each other's files. With UPLOAD_DIR the folder is the operator's: only entries named
 * like stored files are ever removed, so a mistaken UPLOAD_DIR=$HOME deletes nothing of theirs.
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { statfs } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Stored files are named by their id alone, never by anything a person typed. */
export const storedNamePattern = /^[A-Za-z0-9_-]{22}$/;

export interface UploadFolder {
	path: string;
	/** Made by this server, so it goes when the server stops. */
	isOwn: boolean;
}

function isRunning(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch (error) {
		// EPERM: it exists and belongs to someone else.
		return (error as NodeJS.ErrnoException).code === 'EPERM';
	}
}

function sweepStaleServerFolders(parent: string): void {
	for (const entry of readdirSync(parent)) {
		const pid = Number(/^(\d+)-/.exec(entry)?.[1]);
		if (Number.isInteger(pid) && pid !== process.pid && !isRunning(pid)) {
			rmSync(join(parent, entry), { recursive: true, force: true });
		}
	}
}

function sweepStoredFiles(folder: string): void {
	for (const entry of readdirSync(folder)) {
		if (storedNamePattern.test(entry)) rmSync(join(folder, entry), { force: true });
	}
}

/** Makes (or empties) the upload folder; throws a message naming UPLOAD_DIR if it cannot. */
export function prepareUploadFolder(configured: string | undefined): UploadFolder {
	if (configured) {
		try {
			mkdirSync(configured, { recursive: true });
			sweepStoredFiles(configured);
		} catch (error) {
			throw new Error(`UPLOAD_DIR "${configured}" cannot be used: ${(error as Error).message}`, {
				cause: error
			});
		}
		return { path: configured, isOwn: false };
	}
	const parent = join(tmpdir(), 'dropcall-files');
	mkdirSync(parent, { recursive: true });
	sweepStaleServerFolders(parent);
	return { path: mkdtempSync(join(parent, `${process.pid}-`)), isOwn: true };
}

export function removeUploadFolder(folder: UploadFolder): void {
	if (folder.isOwn) return rmSync(folder.path, { recursive: true, force: true });
	try {
		sweepStoredFiles(folder.path);
	} catch (error) {
		// Someone removed UPLOAD_DIR while the server ran: nothing is left to remove.
		if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
	}
}

export async function freeBytes(folder: string): Promise<number> {
	const stats = await statfs(folder);
	return stats.bavail * stats.bsize;
}
