/**
 * One file on its way to the server: a tus upload that resumes by itself across network drops,
 * with the progress, speed and time left a person wants to see, and a way to cancel it.
 */
import { m } from '../paraglide/messages.js';
import type { DetailedError, Upload as TusUpload } from 'tus-js-client';
import * as v from 'valibot';
import { describeError } from '../errors';
import {
	FileErrorBodySchema,
	UPLOAD_CHUNK_BYTES,
	uploadMetadataKeys,
	UPLOADS_PATH,
	type ProtocolError
} from '../protocol';
import { sanitiseFileName } from './names';
import { TransferRate } from './rate';
import { fromBase64Url, toBase64Url } from './sealed/base64url';
import { fingerprintFile, hasChanged } from './sealed/fingerprint';
import { prepareSealedUpload, type SealedUpload } from './sealed/prepare';
import { sealedFileReader } from './sealed/tus-source';
import { forgetUnfinished, rememberUnfinished, type UnfinishedUpload } from './unfinished';
import { seatAuthorisation, type SeatToken } from './seat-token';

/**
 * Retries after a failed request, in milliseconds: about half a minute in all, longer than the
 * grace that keeps a dropped sender's seat and files, so a phone changing networks carries on
 * where it stopped. The count starts again whenever bytes get through.
 */
const RETRY_DELAYS_MS = [0, 1000, 2000, 3000, 5000, 5000, 5000, 5000];

/** Starting over more often than this means something else is wrong: the upload fails instead. */
const MAX_RESTARTS = 3;

/** 'finishing': every byte is on the server, which is about to list the file. */
export type UploadStatus = 'uploading' | 'finishing' | 'failed';

export interface UploadOptions {
	/** The seat's credential, read before every request: a new seat brings a new one. */
	seat: SeatToken;
	/** The room secret from the invite link: the file and its name are sealed with it. */
	secret: Uint8Array<ArrayBuffer>;
	/** Every byte arrived; the file appears through file:added. */
	onUploaded: (upload: Upload) => void;
	/** This file's upload from before a reload: it carries on from the server's offset. */
	continues?: UnfinishedUpload;
}

let nextKey = 0;

export class Upload {
	/** Tells uploads apart in lists before the server has given them an id. */
	readonly key = `upload-${nextKey++}`;
	readonly name: string;
	readonly size: number;
	readonly type: string;
	/** The server's id once the upload exists there: the id its file will have. */
	id = $state<string>();
	sent = $state(0);
	status = $state<UploadStatus>('uploading');
	error = $state<string>();
	/** A failure that trying again may fix (the network, the server restarting). */
	canRetry = $state(false);
	bytesPerSecond = $state<number>();

	readonly percent: number;
	readonly secondsLeft: number | undefined;

	/** Why the upload began again, when the server that was receiving it went away. */
	notice = $state<string>();

	/** tus-js-client loads with the first upload: most calls never share a file. */
	#tus: Promise<TusUpload>;
	#rate = new TransferRate();
	#file: File;
	#sealed: Promise<SealedUpload>;
	#secret: Uint8Array<ArrayBuffer>;
	#auth: ReturnType<typeof seatAuthorisation>;
	#onUploaded: (upload: Upload) => void;
	#restarts = 0;

	constructor(file: File, { seat, secret, onUploaded, continues }: UploadOptions) {
		this.name = sanitiseFileName(file.name);
		this.size = file.size;
		this.type = file.type;
		this.percent = $derived(this.size === 0 ? 100 : Math.floor((this.sent / this.size) * 100));
		this.secondsLeft = $derived(
			this.bytesPerSecond ? (this.size - this.sent) / this.bytesPerSecond : undefined
		);
		this.#file = file;
		this.#secret = secret;
		this.#auth = seatAuthorisation(seat);
		this.#onUploaded = onUploaded;
		// Sealed before it leaves: the server gets the sealed bytes and sealed details, and
		// counts the sealed size against its limits (it refuses one too big at the first request,
		// before any byte is sent).
		this.#sealed = sealAgain(file, secret, continues);
		this.#tus = this.#open(this.#sealed, continues);
	}

	#open(sealing: Promise<SealedUpload>, continues?: UnfinishedUpload): Promise<TusUpload> {
		const file = this.#file;
		const auth = this.#auth;
		return Promise.all([import('tus-js-client'), sealing]).then(([tusClient, sealed]) => {
			const sealedToPlain = sealed.source.size === 0 ? 0 : this.size / sealed.source.size;
			const isResuming = continues !== undefined && isContinuing(sealed, continues);
			const tus: TusUpload = new tusClient.Upload(file, {
				fileReader: sealedFileReader(sealed.source),
				fingerprint: async () => sealed.fingerprint,
				// Only until the upload exists: tus would otherwise answer a lost upload by making
				// a new one with the same salt, sealing bytes again under nonces already used.
				endpoint: isResuming ? null : UPLOADS_PATH,
				chunkSize: UPLOAD_CHUNK_BYTES,
				retryDelays: RETRY_DELAYS_MS,
				metadata: { [uploadMetadataKeys.sealed]: sealed.details },
				// A reload continues from unfinished.ts, kept per tab; tus's own store is per browser.
				storeFingerprintForResuming: false,
				...(isResuming ? { uploadUrl: `${UPLOADS_PATH}/${continues.id}` } : {}),
				onBeforeRequest: (request) => auth.authorise(request),
				onUploadUrlAvailable: () => {
					tus.options.endpoint = null;
					this.id = tus.url?.split('/').at(-1);
					if (this.id) {
						rememberUnfinished(this.id, file, {
							salt: toBase64Url(sealed.salt),
							fingerprint: sealed.fingerprint,
							recordBytes: sealed.source.recordBytes
						});
					}
				},
				onProgress: (sealedSent) => {
					const sent = Math.round(sealedSent * sealedToPlain);
					this.sent = sent;
					this.#rate.record(sent, performance.now());
					this.bytesPerSecond = this.#rate.bytesPerSecond();
					if (this.status === 'failed') this.#clearError();
				},
				onSuccess: () => {
					forgetUnfinished(this.id);
					this.sent = this.size;
					this.status = 'finishing';
					this.#onUploaded(this);
				},
				onShouldRetry: (error) =>
					isWorthRetrying(error) || auth.shouldRetryForSeat(bodyError(error)?.code),
				onError: (error) => {
					if (isLost(error) && this.#restarts < MAX_RESTARTS) return this.#restart();
					this.status = 'failed';
					this.bytesPerSecond = undefined;
					this.#rate.reset();
					const refusal = refusalOf(error);
					this.canRetry = !refusal && isWorthRetrying(error);
					this.error = refusal ? describeError(refusal) : m.upload_connection_lost();
				}
			});
			return tus;
		});
	}

	/**
	 * The server no longer has this upload: the process receiving it stopped or died, and the
	 * page now reaches another. Starts over there as a new upload, sealed with a new salt.
	 */
	#restart(): void {
		this.#restarts += 1;
		forgetUnfinished(this.id);
		this.id = undefined;
		this.sent = 0;
		this.bytesPerSecond = undefined;
		this.#rate.reset();
		this.#clearError();
		this.notice = m.upload_restarted();
		this.#sealed = prepareSealedUpload(this.#file, this.#secret);
		this.#tus = this.#open(this.#sealed);
		this.start();
	}

	start(): void {
		this.#tus.then(
			(tus) => tus.start(),
			() => {
				// WebCrypto exists only in secure contexts: plain http on a LAN cannot seal.
				this.status = 'failed';
				this.canRetry = false;
				this.error = m.sealing_unavailable();
			}
		);
	}

	/**
	 * Starts again from the byte the server has, after a failure; not if the file changed
	 * meanwhile, as resuming would seal new bytes with nonces already used.
	 */
	retry(): void {
		if (this.status !== 'failed' || !this.canRetry) return;
		this.#clearError();
		void this.#sealed.then(async ({ fingerprint }) => {
			if (await hasChanged(this.#file, fingerprint)) {
				this.status = 'failed';
				this.canRetry = false;
				this.error = m.upload_file_changed();
				return;
			}
			(await this.#tus).start();
		});
	}

	/** Stops the upload and has the server delete whatever part of it arrived. */
	async cancel(): Promise<void> {
		forgetUnfinished(this.id);
		const tus = await this.#tus;
		await tus.abort(true).catch(() => {
			// Already gone on the server (its sender left, or it was never created): nothing to do.
		});
	}

	#clearError(): void {
		this.status = 'uploading';
		this.error = undefined;
		this.canRetry = false;
	}
}

/**
 * The sealing of a file picked again after a reload: with the salt of its first attempt when
 * it is unchanged, so the bytes the server has stay valid and the rest follows on; with a new
 * salt when it changed, as sealing other bytes under the same key and nonces would break
 * AES-GCM (so that file starts over as a new upload).
 */
async function sealAgain(
	file: File,
	secret: Uint8Array<ArrayBuffer>,
	continues: UnfinishedUpload | undefined
): Promise<SealedUpload> {
	if (continues && (await fingerprintFile(file)) === continues.fingerprint) {
		return prepareSealedUpload(file, secret, fromBase64Url(continues.salt), continues.recordBytes);
	}
	return prepareSealedUpload(file, secret);
}

function isContinuing(sealed: SealedUpload, continues: UnfinishedUpload): boolean {
	return (
		sealed.fingerprint === continues.fingerprint &&
		toBase64Url(sealed.salt) === continues.salt &&
		sealed.source.recordBytes === continues.recordBytes
	);
}

function statusOf(error: Error | DetailedError): number {
	return 'originalResponse' in error ? (error.originalResponse?.getStatus() ?? 0) : 0;
}

/** No answer at all, a conflict over the offset, or a server error other than a full disk. */
function isWorthRetrying(error: Error | DetailedError): boolean {
	const status = statusOf(error);
	return status === 0 || status === 409 || status === 423 || (status >= 500 && status !== 507);
}

/**
 * The server answered that it has no such upload: it was lost with the process receiving it.
 * An answer to HEAD (where tus asks how far an upload got) has no body to say so in words.
 */
function isLost(error: Error | DetailedError): boolean {
	if (bodyError(error)?.code === 'file-not-found') return true;
	const method = 'originalRequest' in error ? error.originalRequest?.getMethod() : undefined;
	const status = statusOf(error);
	return method === 'HEAD' && (status === 404 || status === 410);
}

/** The refusal a file route answered with, if the answer is one of ours. */
function bodyError(error: Error | DetailedError): ProtocolError | undefined {
	const response = 'originalResponse' in error ? error.originalResponse : null;
	if (!response) return undefined;
	let body: unknown;
	try {
		body = JSON.parse(response.getBody());
	} catch {
		// Not one of ours: a proxy's error page, say.
	}
	const parsed = v.safeParse(FileErrorBodySchema, body);
	return parsed.success ? parsed.output.error : undefined;
}

/** Why the server said no, in its own words; undefined when it never got to answer. */
function refusalOf(error: Error | DetailedError): ProtocolError | undefined {
	const response = 'originalResponse' in error ? error.originalResponse : null;
	if (!response || statusOf(error) < 400 || isWorthRetrying(error)) return undefined;
	return (
		bodyError(error) ?? {
			code: 'upload-failed',
			message: `The server refused this upload (HTTP ${response.getStatus()}).`
		}
	);
}
