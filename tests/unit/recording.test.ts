import { describe, expect, it } from 'vitest';
import { RecordingReplica } from '../../src/lib/recording/replica';
import { parseRecordingWire } from '../../src/lib/recording/wire';

function pair() {
	const sent: { to: string; data: string }[] = [];
	const present = new Set(['bo', 'cy']);
	const changes: [string, boolean][] = [];
	const ignored: string[] = [];
	const replica = new RecordingReplica(
		{
			selfId: () => 'ana',
			isPresent: (id) => present.has(id),
			send: (to, data) => sent.push({ to, data }),
			broadcast: (data) => {
				for (const to of present) sent.push({ to, data });
			}
		},
		{
			onChanged: (id, isRecording) => changes.push([id, isRecording]),
			onIgnored: (id) => ignored.push(id)
		}
	);
	return { replica, sent, present, changes, ignored };
}

describe('who is recording', () => {
	it('tells everyone when we start and stop, and a newcomer when their channel opens', () => {
		const { replica, sent } = pair();
		replica.setMine(true);
		replica.peerOpened('dee');
		replica.setMine(false);
		expect(sent).toEqual([
			{ to: 'bo', data: '{"isRecording":true}' },
			{ to: 'cy', data: '{"isRecording":true}' },
			{ to: 'dee', data: '{"isRecording":true}' },
			{ to: 'bo', data: '{"isRecording":false}' },
			{ to: 'cy', data: '{"isRecording":false}' }
		]);
	});

	it('files a state under the connection it came on, once, and forgets who left', () => {
		const { replica, changes } = pair();
		replica.receive('bo', '{"isRecording":true}');
		replica.receive('bo', '{"isRecording":true}');
		expect([...replica.recording]).toEqual(['bo']);
		replica.receive('bo', '{"isRecording":false}');
		replica.receive('cy', '{"isRecording":true}');
		replica.forget('cy');
		expect(replica.recording.size).toBe(0);
		expect(changes).toEqual([
			['bo', true],
			['bo', false],
			['cy', true]
		]);
	});

	it('ignores claims from strangers, from our own id and in any other shape', () => {
		const { replica, ignored } = pair();
		replica.receive('zed', '{"isRecording":true}');
		replica.receive('ana', '{"isRecording":true}');
		replica.receive('bo', '{"isRecording":true,"peerId":"cy"}');
		replica.receive('bo', '{"isRecording":"yes"}');
		expect(replica.recording.size).toBe(0);
		expect(ignored).toEqual(['zed', 'ana', 'bo', 'bo']);
		expect(parseRecordingWire(`{"isRecording":true${' '.repeat(100)}}`)).toBeUndefined();
	});
});
