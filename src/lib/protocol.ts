/**
 * The one declaration of Dropcall's Socket.IO protocol: every event, its payload schema and
 * its answer. The server validates with these schemas; the client's types come from them.
 *
 * This file only gathers src/lib/protocol/, one file per concern, because it is the protocol's
 * one public face: the client imports `$lib/protocol`, and the server, its tests and the
 * benchmarks run under tsx and import '../src/lib/protocol.ts' by that path. Import from here,
 * not from the concern files, so the protocol stays one thing to both ends.
 */
export * from './protocol/ids.ts';
export * from './protocol/people.ts';
export * from './protocol/rooms.ts';
export * from './protocol/signaling.ts';
export * from './protocol/errors.ts';
export * from './protocol/events.ts';
export * from './protocol/files.ts';
