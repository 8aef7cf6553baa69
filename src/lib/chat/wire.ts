/**
 * What peers say to each other on the chat data channel. Everything received is checked
 * against these schemas; anything malformed or oversized is dropped, never rendered.
 */
import * as v from 'valibot';
import { DisplayNameSchema } from '../protocol';

export const MAX_MESSAGE_LENGTH = 4000;
export const MAX_HISTORY = 500;
/** Chromium delivers data-channel messages up to 256 KiB; history goes in smaller pieces. */
export const MAX_WIRE_BYTES = 64 * 1024;

const MessageIdSchema = v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{8,32}$/));

export const ChatMessageSchema = v.strictObject({
	id: MessageIdSchema,
	/** Lamport time: the order every device agrees on, whatever their clocks say. */
	lamport: v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(Number.MAX_SAFE_INTEGER)),
	senderId: v.pipe(v.string(), v.maxLength(64)),
	senderName: DisplayNameSchema,
	/** The sender's wall clock, only for showing a time next to the message. */
	sentAt: v.pipe(v.number(), v.integer(), v.minValue(0)),
	text: v.pipe(v.string(), v.minLength(1), v.maxLength(MAX_MESSAGE_LENGTH))
});
export type ChatMessage = v.InferOutput<typeof ChatMessageSchema>;

export const ChatWireSchema = v.variant('type', [
	v.strictObject({ type: v.literal('message'), message: ChatMessageSchema }),
	v.strictObject({ type: v.literal('ack'), id: MessageIdSchema }),
	v.strictObject({ type: v.literal('history-request') }),
	v.strictObject({
		type: v.literal('history'),
		messages: v.pipe(v.array(ChatMessageSchema), v.maxLength(MAX_HISTORY))
	})
]);
export type ChatWire = v.InferOutput<typeof ChatWireSchema>;

/** Parses one data-channel message; undefined for anything that is not valid chat. */
export function parseChatWire(data: string): ChatWire | undefined {
	if (data.length > MAX_WIRE_BYTES) return undefined;
	try {
		const result = v.safeParse(ChatWireSchema, JSON.parse(data));
		return result.success ? result.output : undefined;
	} catch {
		return undefined;
	}
}

/** The order every device shows: Lamport time, then sender, then id, so ties break alike. */
export function compareMessages(a: ChatMessage, b: ChatMessage): number {
	return (
		a.lamport - b.lamport ||
		(a.senderId < b.senderId ? -1 : a.senderId > b.senderId ? 1 : 0) ||
		(a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
	);
}

/** Splits a history into pieces that each fit one data-channel message. */
export function historyChunks(messages: ChatMessage[]): ChatMessage[][] {
	const chunks: ChatMessage[][] = [];
	let chunk: ChatMessage[] = [];
	let bytes = 64;
	for (const message of messages) {
		const size = JSON.stringify(message).length * 3 + 8;
		if (chunk.length > 0 && bytes + size > MAX_WIRE_BYTES) {
			chunks.push(chunk);
			chunk = [];
			bytes = 64;
		}
		chunk.push(message);
		bytes += size;
	}
	if (chunk.length > 0) chunks.push(chunk);
	return chunks;
}
