import type { Channel, DeadLetter } from '../../../channels/channel.js';
import { redactSecrets } from '../../../logging/redact-secrets.js';
import { describeError } from '../../channel-failures.js';

/** Dead letters the page shows (newest first). */
export const DEAD_LETTERS_SHOWN = 20;
/** Milliseconds a listing is reused before the channel is read again. */
export const DEAD_LETTERS_MAX_AGE_MS = 5000;
/** Characters of a dead letter's message the page shows. */
export const DEAD_LETTER_MESSAGE_CHARS = 400;
/** Longest wait for the channel's listing. */
const READ_TIMEOUT_MS = 2000;

/** One dead letter as the page shows it: its message cut to `DEAD_LETTER_MESSAGE_CHARS`. */
export interface ShownDeadLetter extends DeadLetter {
  /** Characters of the whole message, when it was cut. */
  readonly messageChars?: number;
}

/** The latest dead letters, as of `readAt`. */
export interface DeadLettersView {
  /** ISO-8601 time of the read the letters come from; null before the first succeeded. */
  readonly readAt: string | null;
  readonly letters: readonly ShownDeadLetter[];
  /** Why the latest read failed (credentials masked); null when it succeeded. */
  readonly error: string | null;
}

function shown(letter: DeadLetter): ShownDeadLetter {
  if (letter.message.length <= DEAD_LETTER_MESSAGE_CHARS) return letter;
  return { ...letter, message: `${letter.message.slice(0, DEAD_LETTER_MESSAGE_CHARS)}…`, messageChars: letter.message.length };
}

/**
 * The channel's latest dead letters (the listing `kadabra dead-letters list` shows), read
 * at most every `DEAD_LETTERS_MAX_AGE_MS` however often the page asks, and only while
 * someone asks: a request finding the listing older starts one read and is answered
 * from the previous listing meanwhile (the first request waits for the first read).
 */
export class RecentDeadLetters {
  private view: DeadLettersView | undefined;
  private readStartedAt = Number.NEGATIVE_INFINITY;
  private reading: Promise<void> | undefined;

  /** @param clock monotonic milliseconds (tests pass their own). */
  constructor(
    private readonly channel: Channel,
    private readonly clock: () => number = () => performance.now(),
  ) {}

  /** The latest listing, starting a read when it is older than `DEAD_LETTERS_MAX_AGE_MS`. */
  async latest(): Promise<DeadLettersView> {
    if (this.reading === undefined && this.clock() - this.readStartedAt >= DEAD_LETTERS_MAX_AGE_MS) {
      this.readStartedAt = this.clock();
      this.reading = this.read().finally(() => {
        this.reading = undefined;
      });
    }
    if (this.view === undefined) await this.reading;
    return this.view ?? { readAt: null, letters: [], error: 'not read yet' };
  }

  private async read(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`the channel did not list its dead letters within ${READ_TIMEOUT_MS} ms`)), READ_TIMEOUT_MS);
    });
    try {
      const letters = await Promise.race([this.channel.deadLetters(DEAD_LETTERS_SHOWN), expired]);
      this.view = { readAt: new Date().toISOString(), letters: letters.map(shown), error: null };
    } catch (error) {
      this.view = { readAt: this.view?.readAt ?? null, letters: this.view?.letters ?? [], error: redactSecrets(describeError(error)) };
    } finally {
      clearTimeout(timer);
    }
  }
}
