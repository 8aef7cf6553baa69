/**
 * TURN for real: a call between two people whose browsers may use nothing but Debian's coturn,
 * with the credential the server minted for each join, and coturn refusing an expired one.
 */
import { expect, test, type BrowserContext, type Page } from '@playwright/test';
import { hasCoturn, startCoturn, turnserverPath, type Coturn } from './coturn';
import { startExtraServer, type ExtraServer } from './extra-server';
import { createRoom, expectVideoFrames, joinRoom } from './helpers';

// Skipped only off CI (see cluster.spec.ts): in CI a missing coturn is a failure.
test.skip(
	!hasCoturn && !process.env.CI,
	`needs coturn (${turnserverPath}): apt-get install coturn`
);

let coturn: Coturn;
let dropcall: ExtraServer;

test.beforeAll(async () => {
	coturn = await startCoturn();
	dropcall = await startExtraServer({
		TURN_URLS: coturn.url,
		TURN_SECRET: coturn.secret,
		ICE_TRANSPORT_POLICY: 'relay',
		// Only the TURN server: nothing else a browser could reach or fall back to.
		ICE_SERVERS: '[]'
	});
});

test.afterAll(async () => {
	await dropcall?.stop();
	await coturn?.stop();
});

/** Keeps every RTCPeerConnection the app makes, so the test can read its statistics. */
async function recordPeerConnections(context: BrowserContext): Promise<void> {
	await context.addInitScript(() => {
		const made: RTCPeerConnection[] = [];
		const Native = window.RTCPeerConnection;
		window.RTCPeerConnection = class extends Native {
			constructor(configuration?: RTCConfiguration) {
				super(configuration);
				made.push(this);
			}
		};
		Object.assign(window, { madePeerConnections: made });
	});
}

interface SelectedPath {
	policy: RTCIceTransportPolicy | undefined;
	local: string | undefined;
	remote: string | undefined;
	relayProtocol: string | undefined;
}

/** The candidate pair each connected peer connection of the page sends and receives on. */
function selectedPaths(page: Page): Promise<SelectedPath[]> {
	return page.evaluate(async () => {
		const { madePeerConnections } = window as unknown as {
			madePeerConnections: RTCPeerConnection[];
		};
		const connected = madePeerConnections.filter((pc) => pc.connectionState === 'connected');
		return Promise.all(
			connected.map(async (pc) => {
				const stats = await pc.getStats();
				let pairId: string | undefined;
				stats.forEach((report) => {
					if (report.type === 'transport' && report.selectedCandidatePairId) {
						pairId = report.selectedCandidatePairId;
					}
				});
				const pair = pairId ? stats.get(pairId) : undefined;
				const local = pair ? stats.get(pair.localCandidateId) : undefined;
				const remote = pair ? stats.get(pair.remoteCandidateId) : undefined;
				return {
					policy: pc.getConfiguration().iceTransportPolicy,
					local: local?.candidateType,
					remote: remote?.candidateType,
					relayProtocol: local?.relayProtocol
				};
			})
		);
	});
}

test('two people see each other through the TURN relay with the credentials Dropcall gave them', async ({
	browser
}) => {
	const contexts = await Promise.all([
		browser.newContext({ baseURL: dropcall.url }),
		browser.newContext({ baseURL: dropcall.url })
	]);
	for (const context of contexts) await recordPeerConnections(context);
	const [ana, bo] = await Promise.all(contexts.map((context) => context.newPage()));
	try {
		const link = await createRoom(ana!, { name: 'Ana' });
		await ana!.getByRole('button', { name: 'Join' }).click();
		await joinRoom(bo!, link, 'Bo');

		await expectVideoFrames(bo!, 'Ana');
		await expectVideoFrames(ana!, 'Bo');
		const relayed = { policy: 'relay', local: 'relay', remote: 'relay', relayProtocol: 'udp' };
		await expect.poll(() => selectedPaths(ana!)).toEqual([relayed]);
		await expect.poll(() => selectedPaths(bo!)).toEqual([relayed]);

		// coturn allocated for users named as Dropcall names them: `<expiry>:<peer id>`, minted
		// per join. Two people, at least one allocation each.
		const allocations = () =>
			new Set(
				[
					...coturn
						.log()
						.matchAll(/user <(\d+:[A-Za-z0-9_-]+)>: incoming packet ALLOCATE processed, success/g)
				].map((match) => match[1])
			).size;
		await expect.poll(allocations).toBeGreaterThanOrEqual(2);
	} finally {
		await Promise.all(contexts.map((context) => context.close()));
	}
});

/** What a page gathers for relay-only ICE with one TURN account: candidate types and errors. */
async function gather(page: Page, server: RTCIceServer) {
	return page.evaluate(async (iceServer) => {
		const pc = new RTCPeerConnection({ iceServers: [iceServer], iceTransportPolicy: 'relay' });
		const candidates: string[] = [];
		const errors: number[] = [];
		pc.addEventListener('icecandidate', (event) => {
			if (event.candidate) candidates.push(event.candidate.type ?? 'unknown');
		});
		pc.addEventListener('icecandidateerror', (event) => errors.push(event.errorCode));
		const complete = new Promise<void>((resolve) => {
			pc.addEventListener('icegatheringstatechange', () => {
				if (pc.iceGatheringState === 'complete') resolve();
			});
		});
		pc.createDataChannel('probe');
		await pc.setLocalDescription();
		await complete;
		pc.close();
		return { candidates, errors };
	}, server);
}

test('coturn refuses a credential that has expired', async ({ browser }) => {
	const context = await browser.newContext({ baseURL: dropcall.url });
	const page = await context.newPage();
	try {
		await page.goto('/');
		const nowSeconds = Math.floor(Date.now() / 1000);
		const fresh = coturn.credential(nowSeconds + 600, 'fresh');
		const expired = coturn.credential(nowSeconds - 60, 'expired');

		// The same page, server and secret gather a relay candidate with a credential in date,
		// so an empty list below means the expiry, not a setup that never worked.
		const allowed = await gather(page, { urls: coturn.url, ...fresh });
		expect(allowed.candidates).toContain('relay');

		const refused = await gather(page, { urls: coturn.url, ...expired });
		expect(refused.candidates).toEqual([]);
		// 401 Unauthorized: coturn checked the expiry in the user name and said no.
		expect(refused.errors).toContain(401);
	} finally {
		await context.close();
	}
});
