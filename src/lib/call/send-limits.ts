/**
 * How much each camera sends as the mesh grows. In a mesh every person uploads one copy of
 * their video per other person, so the upload grows with the room; these limits keep a
 * phone's uplink (often 2–5 Mbit/s) under about 3 Mbit/s in total. Audio is never limited
 * and goes out with high priority.
 *
 * | people | camera per copy | resolution       | frame rate | all copies   |
 * | ------ | --------------- | ---------------- | ---------- | ------------ |
 * | 2      | 1.5 Mbit/s      | full (640×480)   | 30         | 1.5 Mbit/s   |
 * | 3      | 900 kbit/s      | full             | 30         | 1.8 Mbit/s   |
 * | 4      | 700 kbit/s      | 1/1.5 (427×320)  | 24         | 2.1 Mbit/s   |
 * | 5–6    | 450 kbit/s      | 1/2 (320×240)    | 20         | ≤ 2.3 Mbit/s |
 * | 7–8    | 300 kbit/s      | 1/3 (213×160)    | 15         | ≤ 2.1 Mbit/s |
 *
 * A screen share keeps more bitrate: text must stay readable.
 */
export interface SendLimits {
	cameraBitrate: number;
	cameraScaleDown: number;
	cameraFramerate: number;
	screenBitrate: number;
}

export function sendLimitsFor(people: number): SendLimits {
	if (people <= 2) {
		return {
			cameraBitrate: 1_500_000,
			cameraScaleDown: 1,
			cameraFramerate: 30,
			screenBitrate: 2_500_000
		};
	}
	if (people === 3) {
		return {
			cameraBitrate: 900_000,
			cameraScaleDown: 1,
			cameraFramerate: 30,
			screenBitrate: 1_500_000
		};
	}
	if (people === 4) {
		return {
			cameraBitrate: 700_000,
			cameraScaleDown: 1.5,
			cameraFramerate: 24,
			screenBitrate: 1_200_000
		};
	}
	if (people <= 6) {
		return {
			cameraBitrate: 450_000,
			cameraScaleDown: 2,
			cameraFramerate: 20,
			screenBitrate: 900_000
		};
	}
	return {
		cameraBitrate: 300_000,
		cameraScaleDown: 3,
		cameraFramerate: 15,
		screenBitrate: 700_000
	};
}
