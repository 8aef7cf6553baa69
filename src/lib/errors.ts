/** Words for the protocol's error codes, as a person should read them. */
import { m } from './paraglide/messages.js';
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
		case 'too-many-uploads':
			return m.upload_too_many_pending();
		case 'upload-stalled':
			return m.upload_stalled();
		case 'link-expired':
			return m.file_link_expired();
		// The file store words these itself, with the sizes and limits that apply.
		case 'file-not-found':
		case 'not-your-file':
		case 'file-too-large':
		case 'room-storage-full':
		case 'storage-full':
		case 'disk-full':
		case 'upload-cancelled':
		case 'upload-failed':
			return error.message;
		default:
			return m.generic_error({ message: error.message });
	}
}
