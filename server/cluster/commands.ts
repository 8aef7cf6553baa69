/**
 * The few Redis commands the registry sends, through node-redis's `sendCommand` so that only
 * the wire protocol ties us to the client's version. Scripts are sent by digest and sent
 * whole only when Redis does not know them (a restarted Redis has forgotten every script).
 */
import { createHash } from 'node:crypto';

export interface CommandClient {
	sendCommand(args: string[]): Promise<unknown>;
}

const digests = new Map<string, string>();

function digestOf(script: string): string {
	let digest = digests.get(script);
	if (!digest) {
		digest = createHash('sha1').update(script).digest('hex');
		digests.set(script, digest);
	}
	return digest;
}

export async function runScript(
	client: CommandClient,
	script: string,
	argument: object
): Promise<unknown> {
	const json = JSON.stringify(argument);
	try {
		return await client.sendCommand(['EVALSHA', digestOf(script), '0', json]);
	} catch (error) {
		if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
		return client.sendCommand(['EVAL', script, '0', json]);
	}
}
