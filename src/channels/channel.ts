import type { Metrics } from '../metrics/metrics.js';
import type { EncodedMessage } from './encoded-message.js';

export type { EncodedMessage } from './encoded-message.js';

/** A message taken from a channel: its exact bytes and what they decode to. */
export interface ReceivedMessage {
  /** The exact bytes read from the channel; `complete()` removes exactly these. */
  readonly raw: Buffer;
  /** The decoded metrics. */
  readonly metrics: Metrics;
}

/** An in-progress message, with the time it entered in-progress. */
export interface InProgressMessage extends ReceivedMessage {
  /**
   * Milliseconds since the epoch when the item entered in-progress, as recorded by the
   * channel; for an item with no record, when the channel first saw it there.
   */
  readonly enteredAt: number;
}

/** A dead-lettered message, as stored in the dead-letter list. */
export interface DeadLetter {
  /** The message bytes as text (UTF-8), or base64 when `encoding` says so. */
  readonly message: string;
  /** `utf8`, or `base64` for bytes that are not valid UTF-8. */
  readonly encoding: 'utf8' | 'base64';
  /** Why it could not be published. */
  readonly reason: string;
  /** ISO-8601 time it was dead-lettered. */
  readonly time: string;
}

/** Counts describing a channel's state (for `kadabra status`). */
export interface ChannelStatus {
  readonly queued: number;
  readonly inProgress: number;
  /** Milliseconds since the epoch the oldest in-progress item entered, if any. */
  readonly oldestInProgressAt: number | undefined;
  readonly deadLetters: number;
  /**
   * The channel's `dead_max_length`: more dead letters than this is an alarm (logged at
   * error level, `kadabra status` exits non-zero). Dead letters are never deleted for it.
   */
  readonly deadLetterAlarmThreshold: number;
}

/** Which dead letters a requeue takes. */
export interface DeadLetterFilter {
  /** Only dead letters whose stored reason contains this text (case-sensitive). */
  readonly reason?: string;
}

/** Options of a blocking receive. */
export interface ReceiveOptions {
  /** Longest wait for a message, in seconds (default 10, as in the seed). */
  readonly timeoutSeconds?: number;
  /** Aborting ends the wait at once and resolves `null`. */
  readonly signal?: AbortSignal;
}

/**
 * A durable queue between apps and agents. Semantics (seed + DESIGN.md): `send` enqueues;
 * `receive`/`receiveBatch` move messages into in-progress and record when; `complete`
 * removes the exact bytes received; `inProgress` lists in-progress items oldest first.
 * Undecodable messages never reach the caller: they are dead-lettered with the reason.
 */
export interface Channel {
  /** Enqueues metrics (encoded in the Python-compatible wire format). */
  send(metrics: Metrics): Promise<void>;
  /** Enqueues already-encoded messages, in order, in one round trip. */
  sendEncoded(messages: readonly EncodedMessage[]): Promise<void>;
  /** Blocks until a message is available (moved to in-progress) or the timeout passes. */
  receive(options?: ReceiveOptions): Promise<ReceivedMessage | null>;
  /** Moves up to `maxBatchSize` messages to in-progress without blocking; may be empty. */
  receiveBatch(maxBatchSize: number): Promise<ReceivedMessage[]>;
  /** Removes these messages (exact bytes) from in-progress. */
  complete(items: readonly Pick<ReceivedMessage, 'raw'>[]): Promise<void>;
  /** Up to `limit` in-progress messages, oldest first. */
  inProgress(limit: number): Promise<InProgressMessage[]>;
  /**
   * Moves a message out of in-progress into the dead-letter list with a reason. Dead
   * letters are never trimmed; past `dead_max_length` the channel logs at error level.
   */
  deadLetter(item: Pick<ReceivedMessage, 'raw'>, reason: string): Promise<void>;
  /** Queue, in-progress and dead-letter counts. */
  status(): Promise<ChannelStatus>;
  /** Up to `limit` dead letters, newest first. */
  deadLetters(limit: number): Promise<DeadLetter[]>;
  /**
   * Moves up to `limit` dead letters (oldest first, those matching `filter`) back onto the
   * queue; returns how many. Each one is moved atomically: requeues running at once never
   * queue a dead letter twice.
   */
  requeueDeadLetters(limit: number, filter?: DeadLetterFilter): Promise<number>;
  /** Deletes all dead letters; returns how many. */
  purgeDeadLetters(): Promise<number>;
  /** Closes connections; idempotent. */
  close(): Promise<void>;
}
