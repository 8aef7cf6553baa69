/**
 * HTTPS for phones on the same Wi-Fi: browsers give cameras only to secure pages, and a
 * laptop on a LAN has no real certificate. Uses the certificate given in HTTPS_CERT and
 * HTTPS_KEY, or makes a self-signed one on first run and keeps it, so a phone that accepted
 * it once is not asked again. A new one is made when the machine's addresses change.
 */
import { X509Certificate } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generate } from 'selfsigned';
import { ConfigError, type Config } from './config.ts';

export interface TlsFiles {
	key: string;
	cert: string;
	/** Where the certificate came from, for the start-up message. */
	origin: 'given' | 'kept' | 'new';
}

/** iOS refuses TLS certificates valid for longer than 825 days; stay well inside that. */
const VALIDITY_DAYS = 397;

function read(path: string, variable: string): string {
	try {
		return readFileSync(path, 'utf8');
	} catch {
		throw new ConfigError(`${variable} points to ${path}, which cannot be read`);
	}
}

function covers(certPem: string, hosts: string[]): boolean {
	try {
		const certificate = new X509Certificate(certPem);
		if (new Date(certificate.validTo).getTime() < Date.now() + 7 * 24 * 3600 * 1000) return false;
		const names = certificate.subjectAltName ?? '';
		return hosts.every((host) => names.includes(host));
	} catch {
		return false;
	}
}

export async function loadTls(config: Config, lanAddresses: string[]): Promise<TlsFiles> {
	if (config.httpsCertPath || config.httpsKeyPath) {
		if (!config.httpsCertPath || !config.httpsKeyPath) {
			throw new ConfigError('HTTPS_CERT and HTTPS_KEY must be set together');
		}
		return {
			cert: read(config.httpsCertPath, 'HTTPS_CERT'),
			key: read(config.httpsKeyPath, 'HTTPS_KEY'),
			origin: 'given'
		};
	}
	const certPath = join(config.tlsDir, 'cert.pem');
	const keyPath = join(config.tlsDir, 'key.pem');
	if (existsSync(certPath) && existsSync(keyPath)) {
		const cert = readFileSync(certPath, 'utf8');
		if (covers(cert, lanAddresses))
			return { cert, key: readFileSync(keyPath, 'utf8'), origin: 'kept' };
	}
	const notAfterDate = new Date(Date.now() + VALIDITY_DAYS * 24 * 3600 * 1000);
	const pems = await generate([{ name: 'commonName', value: 'Dropcall on this network' }], {
		keyType: 'ec',
		curve: 'P-256',
		algorithm: 'sha256',
		notAfterDate,
		extensions: [
			{ name: 'basicConstraints', cA: false },
			{ name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
			{ name: 'extKeyUsage', serverAuth: true },
			{
				name: 'subjectAltName',
				altNames: [
					{ type: 2, value: 'localhost' },
					{ type: 7, ip: '127.0.0.1' },
					{ type: 7, ip: '::1' },
					...lanAddresses.map((ip) => ({ type: 7 as const, ip }))
				]
			}
		]
	});
	mkdirSync(config.tlsDir, { recursive: true, mode: 0o700 });
	writeFileSync(certPath, pems.cert);
	writeFileSync(keyPath, pems.private, { mode: 0o600 });
	return { cert: pems.cert, key: pems.private, origin: 'new' };
}
