/**
 * Loopback source addresses for the load benchmark's bots. Linux routes all of 127.0.0.0/8 to
 * the loopback interface, so a bot can connect from 127.1.0.1 as well as from 127.0.0.1; spread
 * over many addresses, the bots look to the server's per-address limits like many people, a few
 * connections each, as production traffic does.
 */
export function loopbackAddress(bot: number, perAddress: number): string {
	// Starts at 127.1.0.0 so no bot shares 127.0.0.1 with tests or tools run meanwhile.
	const index = Math.floor(bot / perAddress);
	return `127.${1 + (index >> 16)}.${(index >> 8) & 255}.${index & 255}`;
}
