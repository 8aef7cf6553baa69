/** Entry point: read the configuration, serve on one port, stop gracefully. */
import { createServer } from 'node:http';
import { networkInterfaces } from 'node:os';
import { createDropcall } from './app.ts';
import { ConfigError, readConfig, type Config } from './config.ts';

const STOP_DEADLINE_MS = 5000;

function lanAddresses(): string[] {
	return Object.values(networkInterfaces())
		.flat()
		.filter((address) => address && address.family === 'IPv4' && !address.internal)
		.map((address) => address!.address);
}

function printUrls(config: Config, port: number): void {
	const isWildcard = config.host === '0.0.0.0' || config.host === '::';
	const local = `http://${isWildcard ? 'localhost' : config.host}:${port}`;
	console.log(`Dropcall is running on ${local}`);
	if (isWildcard) {
		for (const address of lanAddresses())
			console.log(`  on your network: http://${address}:${port}`);
	}
}

function main(): void {
	let config: Config;
	try {
		config = readConfig();
	} catch (error) {
		if (!(error instanceof ConfigError)) throw error;
		console.error(`Dropcall cannot start: ${error.message}`);
		process.exit(1);
	}

	// The request listener must exist before Socket.IO attaches: it wraps the listeners it finds
	// and keeps /socket.io/ requests for itself.
	const httpServer = createServer((request, response) => {
		dropcall.handle(request, response, () => {});
	});
	let dropcall: ReturnType<typeof createDropcall>;
	try {
		dropcall = createDropcall(httpServer, config, { serveStatic: true });
	} catch (error) {
		console.error(`Dropcall cannot start: ${(error as Error).message}`);
		process.exit(1);
	}
	httpServer.on('error', (error: NodeJS.ErrnoException) => {
		console.error(
			error.code === 'EADDRINUSE'
				? `Dropcall cannot start: port ${config.port} is in use (set PORT to choose another)`
				: `Dropcall cannot start: ${error.message}`
		);
		process.exit(1);
	});
	httpServer.listen(config.port, config.host, () => {
		const address = httpServer.address();
		printUrls(config, typeof address === 'object' && address ? address.port : config.port);
	});

	let isStopping = false;
	const stop = (signal: string) => {
		if (isStopping) return;
		isStopping = true;
		console.log(`Dropcall is stopping (${signal})`);
		setTimeout(() => process.exit(0), STOP_DEADLINE_MS).unref();
		httpServer.closeIdleConnections();
		void dropcall.stop().then(() => process.exit(0));
	};
	process.on('SIGTERM', () => stop('SIGTERM'));
	process.on('SIGINT', () => stop('SIGINT'));
}

main();
