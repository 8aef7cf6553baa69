import { describe, expect, it } from 'vitest';
import { formatBytes, formatDuration, formatSpeed } from '../../src/lib/files/format';
import { MAX_FILE_NAME_LENGTH, pastedFileName, sanitiseFileName } from '../../src/lib/files/names';
import { TransferRate } from '../../src/lib/files/rate';
import { ConfigError, readConfig } from '../../server/config';
import { contentDisposition, parseRange, sanitiseMimeType } from '../../server/files/headers';
import { checkNewUpload } from '../../server/files/limits';
// Imported with the file rather than in the test: the catalogs take seconds to load on a busy
// machine, which counted against the test's own time when they were imported inside it.
import { describeError } from '../../src/lib/errors';
import { getLocale, overwriteGetLocale } from '../../src/lib/paraglide/runtime.js';

describe('file names', () => {
	it.each([
		['photo.jpg', 'photo.jpg'],
		['../../etc/passwd', 'passwd'],
		['C:\\Users\\ana\\report.pdf', 'report.pdf'],
		['folder/', 'file'],
		['..', 'file'],
		['', 'file'],
		['   spaced   out   .txt  ', 'spaced out .txt'],
		['.bashrc', 'bashrc'],
		['new\nline\ttab\u0000nul.txt', 'newlinetabnul.txt'],
		['evil\u202Egnp.exe', 'evilgnp.exe'],
		['zero\u200Bwidth\uFEFF.txt', 'zerowidth.txt'],
		['a<b>c:d"e|f?g*h.txt', 'a_b_c_d_e_f_g_h.txt'],
		['CON.txt', '_CON.txt'],
		['nul', '_nul'],
		['한글 파일.hwp', '한글 파일.hwp'],
		['e\u0301te\u0301.txt', 'été.txt']
	])('%j is shown as %j', (raw, shown) => {
		expect(sanitiseFileName(raw)).toBe(shown);
	});

	it('shortens a very long name, keeping its extension', () => {
		const name = sanitiseFileName(`${'a'.repeat(500)}.tar.gz`);
		expect([...name]).toHaveLength(MAX_FILE_NAME_LENGTH);
		expect(name.endsWith('….gz')).toBe(true);
		const emoji = sanitiseFileName('😀'.repeat(300));
		expect([...emoji].length).toBeLessThanOrEqual(MAX_FILE_NAME_LENGTH);
		expect(emoji).not.toContain('\uFFFD');
	});

	it('names pasted images by the time they were pasted', () => {
		expect(pastedFileName('image/png', new Date(2025, 0, 2, 3, 4, 5))).toBe(
			'Pasted image 2025-01-02 03.04.05.png'
		);
		expect(pastedFileName('image/jpeg', new Date(2025, 0, 2, 3, 4, 5))).toMatch(/\.jpg$/);
	});
});

describe('Content-Disposition', () => {
	it('gives old clients an ASCII name and new ones the exact UTF-8 name', () => {
		expect(contentDisposition('attachment', '보고서 (최종).pdf')).toBe(
			`attachment; filename="___ (__).pdf"; filename*=UTF-8''%EB%B3%B4%EA%B3%A0%EC%84%9C%20%28%EC%B5%9C%EC%A2%85%29.pdf`
		);
		expect(contentDisposition('inline', "it's 100%.png")).toBe(
			`inline; filename="it's 100_.png"; filename*=UTF-8''it%27s%20100%25.png`
		);
	});
});

describe('MIME types', () => {
	it.each([
		['image/png', 'image/png'],
		['Text/Plain; charset=utf-8', 'text/plain'],
		['', ''],
		['png', ''],
		['text/html\r\nX-Evil: 1', ''],
		[42, '']
	])('%j becomes %j', (raw, type) => {
		expect(sanitiseMimeType(raw)).toBe(type);
	});
});

describe('Range', () => {
	it.each([
		[undefined, 100, undefined],
		['bytes=0-9', 100, { start: 0, end: 9 }],
		['bytes=90-', 100, { start: 90, end: 99 }],
		['bytes=90-1000', 100, { start: 90, end: 99 }],
		['bytes=-10', 100, { start: 90, end: 99 }],
		['bytes=-1000', 100, { start: 0, end: 99 }],
		['bytes=100-', 100, 'unsatisfiable'],
		['bytes=-0', 100, 'unsatisfiable'],
		['bytes=0-', 0, 'unsatisfiable'],
		['bytes=9-5', 100, undefined],
		['bytes=0-1,5-6', 100, undefined],
		['items=0-1', 100, undefined],
		['bytes=-', 100, undefined]
	])('%j of %d bytes is %j', (header, size, range) => {
		expect(parseRange(header, size)).toEqual(range);
	});
});

describe('sizes and times', () => {
	it.each([
		[0, '0 bytes'],
		[1, '1 byte'],
		[1023, '1023 bytes'],
		[1024, '1 KB'],
		[1536, '1.5 KB'],
		[10 * 1024 * 1024 + 200_000, '10.2 MB'],
		[2 * 2 ** 30, '2 GB'],
		[123.4 * 2 ** 30, '123 GB']
	])('%d bytes read %j', (bytes, words) => {
		expect(formatBytes(bytes)).toBe(words);
	});

	it('words a byte count in the reader’s language', () => {
		expect(formatBytes(1, 'ko')).toBe('1바이트');
		expect(formatBytes(512, 'ko')).toBe('512바이트');
		expect(formatBytes(1, 'en')).toBe('1 byte');
	});

	it('says speeds and time left the way people read them', () => {
		expect(formatSpeed(3.25 * 2 ** 20)).toBe('3.25 MB/s');
		expect(formatDuration(0.2)).toBe('1 s');
		expect(formatDuration(59)).toBe('59 s');
		expect(formatDuration(200)).toBe('3 min 20 s');
		expect(formatDuration(60 * 12 + 5)).toBe('12 min');
		expect(formatDuration(3600 + 300)).toBe('1 h 5 min');
		expect(formatDuration(Infinity)).toBe('?');
	});

	it('measures speed over the last few seconds', () => {
		const rate = new TransferRate();
		expect(rate.bytesPerSecond()).toBeUndefined();
		rate.record(0, 0);
		rate.record(1000, 100);
		expect(rate.bytesPerSecond()).toBeUndefined();
		for (let second = 1; second <= 10; second++) rate.record(second * 1_000_000, second * 1000);
		expect(rate.bytesPerSecond()).toBe(1_000_000);
		rate.record(500, 11_000);
		expect(rate.bytesPerSecond()).toBeUndefined();
	});
});

describe('storage limits', () => {
	const limits = {
		maxFileBytes: 100,
		maxRoomBytes: 300,
		maxStoreBytes: 1000,
		minFreeBytes: 50,
		maxRoomFiles: 500,
		maxStoreFiles: 1000,
		minStoredFileBytes: 10,
		maxPendingBytesPerSeat: 400,
		maxPendingBytesPerAddress: 600
	};
	const usage = {
		roomBytes: 0,
		roomFiles: 0,
		storeBytes: 0,
		storeFiles: 0,
		seatPendingBytes: 0,
		addressPendingBytes: 0,
		freeBytes: 10_000
	};
	it.each([
		[101, usage, 'file-too-large'],
		[100, { ...usage, roomBytes: 201 }, 'room-storage-full'],
		[100, { ...usage, roomFiles: 500 }, 'room-storage-full'],
		[100, { ...usage, storeBytes: 901 }, 'storage-full'],
		[100, { ...usage, storeFiles: 1000 }, 'storage-full'],
		[1, { ...usage, roomBytes: 291 }, 'room-storage-full'],
		[100, { ...usage, seatPendingBytes: 301 }, 'too-many-uploads'],
		[100, { ...usage, addressPendingBytes: 501 }, 'too-many-uploads'],
		[100, { ...usage, freeBytes: 149 }, 'disk-full'],
		[100, { ...usage, roomBytes: 200, storeBytes: 900, freeBytes: 150 }, undefined]
	])('%d bytes with %o: %s', (size, current, code) => {
		expect(checkNewUpload(size, current, limits)?.code).toBe(code);
	});
});

describe('file settings', () => {
	it('have the documented defaults', () => {
		expect(readConfig({})).toMatchObject({
			uploadDir: undefined,
			fileGraceSeconds: 15,
			maxFileBytes: 2 * 2 ** 30,
			maxRoomBytes: 5 * 2 ** 30,
			maxStoreBytes: 20 * 2 ** 30,
			minFreeBytes: 2 ** 30,
			abandonedUploadSeconds: 60,
			minUploadBytesPerSecond: 8 * 2 ** 10,
			maxPendingBytesPerSeat: 4 * 2 ** 30,
			maxPendingBytesPerAddress: 5 * 2 ** 30,
			minStoredFileBytes: 64 * 2 ** 10,
			maxRoomFiles: 500,
			maxStoreFiles: 10_000,
			fileLinkSeconds: 600
		});
	});

	it('read plain byte counts and binary units; the file grace follows the seat grace', () => {
		expect(
			readConfig({
				MAX_FILE_BYTES: '1048576',
				MAX_ROOM_BYTES: '512MiB',
				MAX_STORE_BYTES: '1.5 GiB',
				MIN_FREE_BYTES: '0',
				RESUME_GRACE_SECONDS: '30',
				UPLOAD_DIR: 'test-results/uploads'
			})
		).toMatchObject({
			maxFileBytes: 2 ** 20,
			maxRoomBytes: 512 * 2 ** 20,
			maxStoreBytes: 1.5 * 2 ** 30,
			minFreeBytes: 0,
			fileGraceSeconds: 30,
			uploadDir: expect.stringMatching(/\/test-results\/uploads$/)
		});
		expect(readConfig({ FILE_GRACE_SECONDS: '0' }).fileGraceSeconds).toBe(0);
	});

	it.each([
		[{ MAX_FILE_BYTES: 'lots' }, 'MAX_FILE_BYTES'],
		[{ MAX_FILE_BYTES: '0' }, 'MAX_FILE_BYTES'],
		[{ MAX_ROOM_BYTES: '-5' }, 'MAX_ROOM_BYTES'],
		[{ MAX_STORE_BYTES: '2 PB' }, 'MAX_STORE_BYTES'],
		[{ MIN_FREE_BYTES: '1e9' }, 'MIN_FREE_BYTES'],
		[{ FILE_GRACE_SECONDS: 'soon' }, 'FILE_GRACE_SECONDS'],
		[{ FILE_GRACE_SECONDS: '-1' }, 'FILE_GRACE_SECONDS']
	])('stop with a message naming the bad variable: %o', (env, name) => {
		expect(() => readConfig(env)).toThrow(ConfigError);
		expect(() => readConfig(env)).toThrow(name);
	});
});

describe('file refusals in words', () => {
	it('come from the catalogs with the numbers the server sent, in either language', () => {
		const pageLocale = getLocale;
		// Node has no page whose language setLocale could remember: say it outright.
		const setLocale = (locale: 'en' | 'ko') => overwriteGetLocale(() => locale);
		const tooLarge = {
			code: 'file-too-large',
			message: 'in English',
			sizeBytes: 25 * 2 ** 20,
			limitBytes: 20 * 2 ** 20
		} as const;
		setLocale('en');
		expect(describeError(tooLarge)).toBe('This file is 25 MB; files can be at most 20 MB.');
		expect(describeError({ code: 'not-in-room', message: 'in English' })).toBe(
			'Only people in the room can use its files. Join it, or join it again.'
		);
		setLocale('ko');
		expect(describeError(tooLarge)).toBe(
			'이 파일은 25 MB입니다. 파일은 최대 20 MB까지 올릴 수 있습니다.'
		);
		expect(describeError({ code: 'upload-stalled', message: 'in English' })).not.toMatch(/English/);
		overwriteGetLocale(pageLocale);
	});
});
