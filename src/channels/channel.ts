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
   * Milliseconds since the epoch when the item entered in-progress, by the channel's
   * clock (the Redis server's `TIME`; SQLite's clock); for an item with no record, when
   * the channel first saw it there.
   */
  readonly enteredAt: number;
  /**
   * How long it has been in progress when it was listed, in ms, by the same clock as
   * `enteredAt`: what decides whether it is stuck, whatever the reader's own clock says.
   * Negative when its record lies in the channel's future (written by a process whose
   * clock ran fast).
   */
  readonly inProgressMs: number;
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
  /** Milliseconds since the epoch the oldest in-progress item entered (channel's clock), if any. */
  readonly oldestInProgressAt: number | undefined;
  /**
   * How long the oldest in-progress item has been there, in ms by the channel's clock
   * (negative when its record lies in the channel's future), if any has a record.
   */
  readonly oldestInProgressMs: number | undefined;
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

/**
 * Byte bounds of what one receive hands to the caller (the agent's
 * `AGENT_MESSAGE_MAX_BYTES` and batch budgets), so that its memory is bounded in bytes
 * and not only in messages.
 */
export interface ReceiveLimits {
  /**
   * A message longer than this many bytes is moved to the dead-letter list, whole and
   * with the reason, by the channel's server (a Lua script, an SQL statement) without
   * its bytes ever being read into this process. Default: no limit.
   */
  readonly maxMessageBytes?: number;
  /**
   * A batch stops before the message that would take its bytes over this budget; it
   * always holds at least one message (within `maxMessageBytes`). Default: no limit.
   */
  readonly maxBatchBytes?: number;
}

/** Options of a blocking receive. */
export interface ReceiveOptions extends Pick<ReceiveLimits, 'maxMessageBytes'> {
  /** Longest wait for a message, in seconds (default 10, as in the original). */
  readonly timeoutSeconds?: number;
  /** Aborting ends the wait at once and resolves `null`, whatever the server does. */
  readonly signal?: AbortSignal;
}

/**
 * A durable queue between apps and agents. Semantics (the original's, extended):
 * `send` enqueues; `receive`/`receiveBatch` move messages into in-progress and record
 * when; `complete` removes the exact bytes received; `inProgress` lists in-progress items
 * oldest first.
 * Undecodable messages never reach the caller: they are dead-lettered with the reason.
 */
export interface Channel {
  /** Enqueues metrics (encoded in the Python-compatible wire format). */
  send(metrics: Metrics): Promise<void>;
  /** Enqueues already-encoded messages, in order, in one round trip. */
  sendEncoded(messages: readonly EncodedMessage[]): Promise<void>;
  /** Blocks until a message is available (moved to in-progress) or the timeout passes. */
  receive(options?: ReceiveOptions): Promise<ReceivedMessage | null>;
  /**
   * Moves up to `maxBatchSize` messages (and up to `limits.maxBatchBytes`) to in-progress
   * without blocking; may be empty.
   */
  receiveBatch(maxBatchSize: number, limits?: ReceiveLimits): Promise<ReceivedMessage[]>;
  /** Removes these messages (exact bytes) from in-progress. */
  complete(items: readonly Pick<ReceivedMessage, 'raw'>[]): Promise<void>;
  /**
   * Up to `limit` in-progress messages (and up to `limits.maxBatchBytes`), oldest first;
   * those over `limits.maxMessageBytes` are dead-lettered instead, without being read.
   */
  inProgress(limit: number, limits?: ReceiveLimits): Promise<InProgressMessage[]>;
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
