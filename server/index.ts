/** Entry point: read the configuration, serve on one port, stop gracefully. */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { networkInterfaces } from 'node:os';
import QRCode from 'qrcode';
import { createDropcall, type Dropcall } from './app.ts';
import { ConfigError, readConfig, type Config } from './config.ts';
import { loadTls } from './tls.ts';

/** How long stopping may take after the uploads' drain (UPLOAD_DRAIN_SECONDS). */
const STOP_DEADLINE_MS = 5000;

function lanAddresses(): string[] {
	return Object.values(networkInterfaces())
		.flat()
		.filter((address) => address && address.family === 'IPv4' && !address.internal)
		.map((address) => address!.address);
}

async function printUrls(config: Config, port: number): Promise<void> {
	const scheme = config.https ? 'https' : 'http';
	const isWildcard = config.host === '0.0.0.0' || config.host === '::';
	console.log(
		`Dropcall is running on ${scheme}://${isWildcard ? 'localhost' : config.host}:${port}`
	);
	if (!isWildcard) return;
	const urls = lanAddresses().map((address) => `${scheme}://${address}:${port}`);
	if (urls.length === 0) return;
	console.log(`  on your network: ${urls.join(', ')}`);
	if (!config.https) {
		console.log('  Phones need HTTPS for the camera: run `npm start -- --https` to serve it.');
		return;
	}
	// A phone on the same Wi-Fi scans this instead of typing an address.
	console.log(await QRCode.toString(urls[0]!, { type: 'terminal', small: true }));
}

function fail(error: unknown): never {
	console.error(`Dropcall cannot start: ${error instanceof Error ? error.message : String(error)}`);
	process.exit(1);
}

async function main(): Promise<void> {
	let config: Config;
	try {
		config = readConfig(process.env, process.argv.slice(2));
	} catch (error) {
		if (!(error instanceof ConfigError)) throw error;
		fail(error);
	}

	// The request listener must exist before Socket.IO attaches: it wraps the listeners it finds
	// and keeps /socket.io/ requests for itself.
	let dropcall: Dropcall | undefined;
	const listener = (request: IncomingMessage, response: ServerResponse) => {
		dropcall?.handle(request, response, () => {});
	};
	let httpServer: Server;
	if (config.https) {
		const tls = await loadTls(config, lanAddresses()).catch(fail);
		if (tls.origin === 'new') console.log(`Made a self-signed certificate in ${config.tlsDir}`);
		// An https.Server is an http.Server with TLS underneath; Socket.IO takes either.
		httpServer = createHttpsServer({ key: tls.key, cert: tls.cert }, listener) as unknown as Server;
	} else {
		httpServer = createServer(listener);
	}
	// Loaded only when asked for: a single process needs no Redis packages, nor Redis.
	const cluster = config.redisUrl
		? await import('./cluster/index.ts').then((module) => module.joinCluster(config)).catch(fail)
		: undefined;
	try {
		dropcall = createDropcall(httpServer, config, { serveStatic: true, cluster });
	} catch (error) {
		fail(error);
	}
	httpServer.on('error', (error: NodeJS.ErrnoException) => {
		fail(
			error.code === 'EADDRINUSE'
				? `port ${config.port} is in use (set PORT to choose another)`
				: error.message
		);
	});
	httpServer.listen(config.port, config.host, () => {
		const address = httpServer.address();
		void printUrls(config, typeof address === 'object' && address ? address.port : config.port);
	});

	let isStopping = false;
	const stop = (signal: string) => {
		if (isStopping) return;
		isStopping = true;
		console.log(`Dropcall is stopping (${signal})`);
		setTimeout(() => process.exit(0), config.uploadDrainSeconds * 1000 + STOP_DEADLINE_MS).unref();
		httpServer.closeIdleConnections();
		void dropcall?.stop().then(() => process.exit(0));
	};
	process.on('SIGTERM', () => stop('SIGTERM'));
	process.on('SIGINT', () => stop('SIGINT'));
}

void main();
