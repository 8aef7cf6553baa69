/**
 * What the engine's parts (host-duties.ts, drawer-duties.ts, guesser-duties.ts, word-reveal.ts,
 * round-change.ts) share: who this device is in the game it holds, the round's secret and own
 * guesses, the way out for messages, and the engine's callbacks.
 */
import type { GameState } from './machine';
import type { GameOutbox } from './outbox';
import type { OwnGuesses } from './own-guesses';
import type { SecretWord } from './secret-word';

export interface OwnRole {
	readonly state: GameState | undefined;
	readonly selfId: string | undefined;
	readonly hostId: string | undefined;
	readonly isHost: boolean;
	readonly isDrawer: boolean;
	readonly isRunning: boolean;
}

export interface EngineEvents {
	/** Called after anything a player could see changed. */
	onChange: () => void;
	/** A game began, or this device's turn to draw came: the board should be showing. */
	onBoardNeeded?: () => void;
	/** This device's drawer chose a word: their round starts on a clean board. */
	onDrawingStart?: () => void;
}

export interface EngineParts {
	role: OwnRole;
	secret: SecretWord;
	guesses: OwnGuesses;
	outbox: GameOutbox;
	events: EngineEvents;
}
