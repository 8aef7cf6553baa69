/** Words for the protocol's error codes, as a person should read them. */
import type { DeviceRule, ProtocolError } from './protocol';

export function deviceRuleWords(rule: DeviceRule): string {
	if (rule === 'video') return 'a camera and a microphone';
	if (rule === 'audio') return 'a microphone';
	return 'no devices';
}

export function describeError(error: ProtocolError): string {
	switch (error.code) {
		case 'room-full':
			return error.room
				? `This room is full (${error.room.taken} of ${error.room.seats})`
				: 'This room is full';
		case 'room-not-found':
			return 'This room does not exist or has ended.';
		case 'devices-required':
			return `This room asks everyone to bring ${deviceRuleWords(error.room?.devices ?? 'audio')}.`;
		case 'server-stopping':
			return error.message;
		case 'too-large':
			return 'That was too much to send at once.';
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
			return `Something went wrong: ${error.message}`;
	}
}
