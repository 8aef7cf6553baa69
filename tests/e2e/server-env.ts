/** Settings of the server the end-to-end tests start, shared by its config and the tests. */
export const fileSettings = {
	/** Under the repo, so a test can see that nothing is left on disk. */
	UPLOAD_DIR: 'test-results/uploads',
	/** Small enough that a test can go over it in a moment. */
	MAX_FILE_BYTES: '20MiB'
};
