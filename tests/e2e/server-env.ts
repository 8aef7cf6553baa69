/** Settings of the server the end-to-end tests start, shared by its config and the tests. */
export const fileSettings = {
	/** Under the repo, so a test can see that nothing is left on disk. */
	UPLOAD_DIR: 'test-results/uploads',
	/** Small enough that a test can go over it in a moment. */
	MAX_FILE_BYTES: '20MiB'
};

export const seatSettings = {
	/**
	 * The production grace, longer than a heartbeat takes to notice a silent page (10 s): with
	 * 3 s, a page whose renderer was busy for a few seconds (Playwright handing it a 25 MB file
	 * on a loaded machine) lost its seat and its shared files the moment the server noticed,
	 * a harsher world than any user's. Leaving frees a seat at once, a closed tab after RELOAD_GRACE_SECONDS.
	 */
	RESUME_GRACE_SECONDS: '15',
	/** The production figure: a closed tab's seat and files go this long after it closes. */
	RELOAD_GRACE_SECONDS: '5'
};

/**
 * Every browser context comes from 127.0.0.1, and tests create rooms faster than people do:
 * the per-address room limit is raised so the suite never meets it. The other limits keep
 * their defaults, which the suite stays well inside.
 */
export const limitSettings = {
	ROOMS_PER_ADDRESS_PER_MINUTE: '1000'
};
