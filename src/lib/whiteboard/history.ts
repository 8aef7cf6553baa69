/**
 * Undo and redo of one person's own strokes. Undo hides a stroke rather than deleting it,
 * so redo (here or on a device that joined in between) can bring it back.
 */
export class UndoHistory {
	/** Own strokes on the board, oldest first. */
	#drawn: string[] = [];
	/** Undone strokes, the most recently undone last. */
	#undone: string[] = [];

	get canUndo(): boolean {
		return this.#drawn.length > 0;
	}

	get canRedo(): boolean {
		return this.#undone.length > 0;
	}

	/** A new stroke: what was undone before it can no longer be redone. */
	record(id: string): void {
		this.#drawn.push(id);
		this.#undone = [];
	}

	/** The stroke to hide, if any. */
	undo(): string | undefined {
		const id = this.#drawn.pop();
		if (id) this.#undone.push(id);
		return id;
	}

	/** The stroke to show again, if any. */
	redo(): string | undefined {
		const id = this.#undone.pop();
		if (id) this.#drawn.push(id);
		return id;
	}

	/** Forgets strokes that left the board (a clear), so undo never points at nothing. */
	retain(isOnBoard: (id: string) => boolean): void {
		this.#drawn = this.#drawn.filter(isOnBoard);
		this.#undone = this.#undone.filter(isOnBoard);
	}
}
