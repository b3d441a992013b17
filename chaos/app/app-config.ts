/** What one chaos app process is told to do (JSON in the `CHAOS_APP` environment variable). */
export interface AppConfig {
  /** The app's name: the value of its `app` dimension. */
  readonly name: string;
  /** The channel type, and its arguments (the Redis port on 127.0.0.1 and the scenario's keys). */
  readonly channel: { readonly type: string; readonly args: Readonly<Record<string, unknown>> };
  /** Messages per second while running (steady); 0 sends `count` as fast as the client takes them. */
  readonly ratePerSecond: number;
  /** Stop after this many messages (then close and report without waiting for SIGTERM). */
  readonly count?: number;
  /** `CLIENT_BUFFER_MAX_MESSAGES`; the client's default when unset. */
  readonly bufferMaxMessages?: number;
  /** `CLIENT_FLUSH_TIMEOUT_SECONDS` used by the final `close()`. */
  readonly flushTimeoutSeconds: number;
  /**
   * A control: the same request loop, building and encoding each message but with no
   * Kadabra client to send it, so the event-loop delay (and time per "send") the
   * machine's load causes can be told from any the pipeline causes.
   */
  readonly control?: boolean;
  /**
   * Each message also adds 1 to the counter `chaos_messages` (`MESSAGES_COUNTER`), so
   * that a store keeping totals only (Prometheus) shows how many messages it counted.
   */
  readonly countMessages?: boolean;
}

/** The counter each message adds 1 to when its app is told `countMessages`. */
export const MESSAGES_COUNTER = 'chaos_messages';

/** A one-second sample of the app's event-loop delay (beyond the 10 ms sampling interval), in milliseconds. */
export interface LoopSample {
  /** End of the second, ms since the epoch. */
  readonly at: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
  /** Longest single `send()` call in that second. */
  readonly maxSendMs: number;
}

/** What an app reports on its last stdout line, prefixed by `REPORT_PREFIX`. */
export interface AppReport {
  readonly name: string;
  /** `send()` calls made; message `seq` ran from 1 to `sent`. */
  readonly sent: number;
  /** `send()` calls that threw (must be 0). */
  readonly throws: number;
  /** The client's counts after `close()`. */
  readonly stats: { readonly delivered: number; readonly dropped: number; readonly buffered: number };
  /** Messages in client writes that failed and were sent again (some may have reached Redis twice). */
  readonly failedWrites: number;
  /** Sequence numbers of the messages in those failed writes, once per failed write: each may have put a copy on the queue. */
  readonly inDoubt: readonly number[];
  /** [ms since the epoch, delivered, dropped] each time the counts changed. */
  readonly timeline: readonly (readonly [number, number, number])[];
  /**
   * Sequence numbers Redis never acknowledged (the client dropped them at overflow, or
   * still buffered them at exit), as the app saw its channel's writes.
   */
  readonly unacknowledged: readonly number[];
  /** `[ms since the epoch, first seq, last seq]` of every write Redis acknowledged. */
  readonly ackedWrites: readonly (readonly [number, number, number])[];
  /** Event-loop delay, one sample per second. */
  readonly loop: readonly LoopSample[];
  /** When sending started and stopped, ms since the epoch. */
  readonly startedAt: number;
  readonly stoppedAt: number;
}

/** Marks the report line among the client's own log lines. */
export const REPORT_PREFIX = 'CHAOS-REPORT ';
