/** Words for the protocol's error codes, as a person should read them. */
import { m } from './paraglide/messages.js';
import { getLocale } from './paraglide/runtime.js';
import { formatBytes } from './files/format';
import type { DeviceRule, ProtocolError } from './protocol';

export function deviceRuleWords(rule: DeviceRule): string {
	if (rule === 'video') return m.rule_video();
	if (rule === 'audio') return m.rule_audio();
	return m.rule_none();
}

export function describeError(error: ProtocolError): string {
	switch (error.code) {
		case 'room-full':
			return error.room
				? m.room_full({ taken: error.room.taken, seats: error.room.seats })
				: m.room_full_plain();
		case 'room-not-found':
			return m.room_not_found();
		case 'devices-required':
			return m.devices_required_error({ devices: deviceRuleWords(error.room?.devices ?? 'audio') });
		case 'server-stopping':
			return m.server_silent();
		case 'too-large':
			return m.too_large_error();
		case 'rate-limited':
			return error.retryAfterSeconds
				? m.rate_limited_error({ seconds: error.retryAfterSeconds })
				: m.rate_limited_plain();
		case 'too-many-rooms':
			return m.too_many_rooms_error({ seconds: error.retryAfterSeconds ?? 60 });
		case 'too-many-connections':
			return m.too_many_connections_error();
		case 'server-full':
			return m.server_full_error();
		case 'try-again':
			return m.try_again_error();
		case 'forbidden-origin':
			return m.forbidden_origin_error();
		case 'too-many-uploads':
			return m.upload_too_many_pending();
		case 'upload-stalled':
			return m.upload_stalled();
		case 'link-expired':
			return m.file_link_expired();
		case 'invalid-request':
			return m.invalid_request_error();
		case 'peer-not-found':
			return m.peer_not_found_error();
		case 'already-joined':
			return m.already_joined_error();
		default:
			return describeFileError(error) ?? m.generic_error({ message: error.message });
	}
}

/** The file store's refusals, from the catalogs with the numbers the server sent along. */
function describeFileError(error: ProtocolError): string | undefined {
	const { sizeBytes: size, limitBytes: limit, leftBytes: left, limitFiles } = error;
	switch (error.code) {
		case 'not-in-room':
			return m.not_in_room();
		case 'file-not-found':
			return m.file_not_found();
		case 'not-your-file':
			return m.not_your_file();
		case 'file-too-large':
			return size !== undefined && limit !== undefined
				? m.file_too_large({
						size: formatBytes(size, getLocale()),
						limit: formatBytes(limit, getLocale())
					})
				: m.file_overflow();
		case 'room-storage-full':
			if (limitFiles !== undefined) return m.room_files_full({ count: limitFiles });
			return size !== undefined && limit !== undefined && left !== undefined
				? m.room_storage_full({
						limit: formatBytes(limit, getLocale()),
						left: formatBytes(left, getLocale()),
						size: formatBytes(size, getLocale())
					})
				: m.room_storage_full_plain();
		case 'storage-full':
			return m.storage_full();
		case 'disk-full':
			return m.disk_full();
		case 'upload-cancelled':
			if (error.reason === 'sender-left') return m.upload_sender_left();
			if (error.reason === 'room-ended') return m.upload_room_ended();
			return m.upload_cancelled();
		case 'upload-failed':
			return m.upload_failed();
		default:
			return m.generic_error({ message: error.message });
	}
}
