/**
 * Files dragged over the page from outside: whether some are over it right now (to show where
 * they will go) and which ones were dropped. Text or links dragged within the page are left
 * alone, and so is a folder, which the browser cannot read as one file.
 */
function carriesFiles(event: DragEvent): boolean {
	return event.dataTransfer?.types.includes('Files') ?? false;
}

export interface Dropped {
	files: File[];
	skippedFolders: number;
}

export class FileDrop {
	isDragging = $state(false);
	// dragenter and dragleave fire for every element crossed; the page is left when they even out.
	#depth = 0;

	enter(event: DragEvent): void {
		if (!carriesFiles(event)) return;
		event.preventDefault();
		this.#depth += 1;
		this.isDragging = true;
	}

	over(event: DragEvent): void {
		if (!carriesFiles(event)) return;
		// Without this the browser would open the file in place of the room.
		event.preventDefault();
		event.dataTransfer!.dropEffect = 'copy';
	}

	leave(event: DragEvent): void {
		if (!carriesFiles(event)) return;
		this.#depth = Math.max(0, this.#depth - 1);
		if (this.#depth === 0) this.isDragging = false;
	}

	drop(event: DragEvent): Dropped {
		if (!carriesFiles(event)) return { files: [], skippedFolders: 0 };
		event.preventDefault();
		this.#depth = 0;
		this.isDragging = false;
		const items = [...(event.dataTransfer?.items ?? [])].filter((item) => item.kind === 'file');
		const files: File[] = [];
		let skippedFolders = 0;
		for (const item of items) {
			if (item.webkitGetAsEntry?.()?.isDirectory) {
				skippedFolders += 1;
				continue;
			}
			const file = item.getAsFile();
			if (file) files.push(file);
		}
		return { files, skippedFolders };
	}
}
