import { parseChannelArgs } from '../parse-channel-args.js';
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Database } from 'better-sqlite3';
import { WireFormatError } from '../../errors/wire-format-error.js';
import { createLogger, type KadabraLogger } from '../../logging/logger.js';
import type { Metrics } from '../../metrics/metrics.js';
import { decodeMetrics, encodeMetrics } from '../../wire/codec.js';
import type {
  Channel,
  ChannelDescription,
  ChannelStatus,
  CompleteOptions,
  DeadLetter,
  DeadLetterFilter,
  InProgressMessage,
  LatestValue,
  Receipt,
  ReceivedMessage,
  ReceiveLimits,
  ReceiveOptions,
  StateSelection,
} from '../channel.js';
import { DEFAULT_RECEIVE_TIMEOUT_SECONDS } from '../channel.js';
import { ownReceipts } from '../receipt.js';
import { checkNamespace, checkStateChanges, checkStateSelection } from '../state-change.js';
import { SqliteReceipt } from './sqlite-receipt.js';
import { SqliteLease } from './sqlite-lease.js';
import { checkLease } from '../channel-lease.js';
import { encodedBytes, type EncodedMessage } from '../encoded-message.js';
import { reportDeadLetter, reportOversized } from '../report-dead-letter.js';
import { SYNCHRONOUS_BUSY_WAIT_MS, withBusyRetry } from './busy-retry.js';
import { loadBetterSqlite3, type BetterSqlite3Module } from './load-better-sqlite3.js';
import { notifySent, onSent } from './local-wakeups.js';
import { SQLITE_CHANNEL_DEFAULT_ARGS, sqliteChannelArgsSchema, type SqliteChannelArgs } from './sqlite-channel-args.js';
import { SqliteQueue, type MessageRow } from './sqlite-queue.js';
import { prepareDatabase } from './sqlite-schema.js';
import { openReadOnly } from './open-read-only.js';
import type { ChannelOpenOptions } from '../channel-open-options.js';
import { secondsToMilliseconds } from '../../config/duration-seconds.js';
import { backoffDelayMs, type BackoffSteps } from '../../retry/backoff.js';
import type { WireDialect } from '../../metrics/wire-dialect.js';

/** Polling an empty queue starts every `initialMs` and slows down to every `maxMs`. */
const POLL_BACKOFF: BackoffSteps = { initialMs: 10, maxMs: 100 };

/**
 * A channel in a local SQLite file (WAL mode, through better-sqlite3, an optional
 * dependency loaded only when this channel is made). Several app processes and agents on
 * one host can share the file: every take is one IMMEDIATE transaction, so no two
 * consumers get the same message, and messages survive the crash of any process. Same
 * semantics as `RedisChannel`; a received message is completed by its row id (its receipt).
 */
export class SqliteChannel implements Channel {
  /** No Python agent reads the file: gauges travel in their own array. */
  readonly dialect: WireDialect = 'extended';

  /** Default arguments. */
  static readonly DEFAULT_ARGS = SQLITE_CHANNEL_DEFAULT_ARGS;

  /** The resolved arguments (defaults merged with what was given). */
  readonly args: SqliteChannelArgs;
  /** Absolute path of the database file. */
  readonly path: string;
  private readonly logger: KadabraLogger;
  private readonly sqlite: BetterSqlite3Module;
  private readonly closed = new AbortController();
  private opening: Promise<SqliteQueue> | undefined;
  private db: Database | undefined;
  private closing: Promise<void> | undefined;
  private readonly readOnly: boolean;
  private leases: SqliteLease | undefined;

  /**
   * @param args overrides of `DEFAULT_ARGS` (`path`, `dead_max_length`, `busy_timeout`, ...).
   * @param logger logger for dead letters (default: a new pino logger).
   * @param options `readOnly`: never create the file or its tables (read-only commands).
   * @throws ConfigurationError for a bad argument, or when better-sqlite3 is not installed.
   */
  constructor(args: Partial<SqliteChannelArgs> = {}, logger?: KadabraLogger, options: ChannelOpenOptions = {}) {
    this.readOnly = options.readOnly === true;
    this.args = parseChannelArgs('SqliteChannel', sqliteChannelArgsSchema, SQLITE_CHANNEL_DEFAULT_ARGS, args);
    this.path = resolve(this.args.path);
    this.logger = logger ?? createLogger().child({ name: this.args.logger });
    this.sqlite = loadBetterSqlite3();
  }

  /** `sqlite`, and the file: `sqlite:<absolute path>`. */
  describe(): ChannelDescription {
    return { type: 'sqlite', endpoint: `sqlite:${this.path}` };
  }

  /** Runs one transaction on the database, opening it first, waiting out other writers. */
  private async run<T>(operation: (queue: SqliteQueue) => T): Promise<T> {
    const queue = await this.queue();
    return this.retrying(() => operation(queue));
  }

  private retrying<T>(operation: () => T): Promise<T> {
    if (this.closing) return Promise.reject(new Error('channel is closed'));
    return withBusyRetry(operation, {
      timeoutMs: secondsToMilliseconds(this.args.busy_timeout),
      path: this.path,
      isClosed: () => this.closing !== undefined,
    });
  }

  /**
   * Opens the file on first use rather than in the constructor, so an app whose channel
   * directory is missing or locked fails its sends (which it buffers and retries), never
   * its construction.
   */
  private queue(): Promise<SqliteQueue> {
    this.opening ??= this.open().catch((error: unknown) => {
      this.opening = undefined;
      throw error;
    });
    return this.opening;
  }

  private async open(): Promise<SqliteQueue> {
    if (this.closing) throw new Error('channel is closed');
    if (this.readOnly) {
      const db = openReadOnly(this.sqlite, this.path, SYNCHRONOUS_BUSY_WAIT_MS);
      this.db = db;
      return new SqliteQueue(db);
    }
    mkdirSync(dirname(this.path), { recursive: true });
    const db = new this.sqlite(this.path, { timeout: SYNCHRONOUS_BUSY_WAIT_MS });
    try {
      await this.retrying(() => prepareDatabase(db, this.args));
      const queue = new SqliteQueue(db);
      if (this.closing) throw new Error('channel is closed');
      this.db = db;
      return queue;
    } catch (error) {
      db.close();
      throw error;
    }
  }

  /** Encodes and enqueues one message. */
  async send(metrics: Metrics): Promise<void> {
    await this.sendEncoded([encodeMetrics(metrics, this.dialect)]);
  }

  /** Enqueues encoded messages in order (the first given is received first), in one transaction. */
  async sendEncoded(messages: readonly EncodedMessage[]): Promise<void> {
    if (messages.length === 0) return;
    const bodies = messages.map(encodedBytes);
    await this.run((queue) => queue.send(bodies));
    notifySent(this.path);
  }

  /**
   * Waits (up to `timeoutSeconds`, default 10) until a message can be moved to
   * in-progress, polling the file (sends from this process wake it at once).
   * Undecodable messages are dead-lettered and the wait goes on. Aborting `signal` or
   * closing the channel ends the wait at once with `null`.
   */
  async receive(options: ReceiveOptions = {}): Promise<ReceivedMessage | null> {
    const { signal } = options;
    const deadline = Date.now() + (options.timeoutSeconds ?? DEFAULT_RECEIVE_TIMEOUT_SECONDS) * 1000;
    let polls = 0;
    while (!signal?.aborted && !this.closing) {
      const queue = await this.queue();
      if (this.closing) break;
      if (queue.hasQueued()) {
        const limits = options.maxMessageBytes === undefined ? {} : { maxMessageBytes: options.maxMessageBytes };
        const taken = await this.retrying(() => queue.takeOldest(1, limits));
        reportOversized(this.logger, taken, limits.maxMessageBytes, this.args.dead_max_length);
        const [row] = taken.rows;
        if (row) {
          const message = await this.decodeOrDeadLetter(row);
          if (message) return message;
          continue;
        }
        if (taken.deadLettered > 0) continue;
      }
      const remaining = deadline - Date.now();
      if (remaining <= 0) return null;
      await this.waitForSend(Math.min(backoffDelayMs(polls, POLL_BACKOFF), remaining), signal);
      polls += 1;
    }
    return null;
  }

  /** Sleeps `ms`, or less if this process sends to the file, `signal` aborts or the channel closes. */
  private waitForSend(ms: number, signal: AbortSignal | undefined): Promise<void> {
    return new Promise((done) => {
      const finish = (): void => {
        clearTimeout(timer);
        unsubscribe();
        signal?.removeEventListener('abort', finish);
        this.closed.signal.removeEventListener('abort', finish);
        done();
      };
      const timer = setTimeout(finish, ms);
      const unsubscribe = onSent(this.path, finish);
      signal?.addEventListener('abort', finish, { once: true });
      this.closed.signal.addEventListener('abort', finish, { once: true });
      if (signal?.aborted) finish();
    });
  }

  /**
   * Moves up to `maxBatchSize` messages to in-progress at once, within
   * `limits.maxBatchBytes`; an empty queue costs one read.
   */
  async receiveBatch(maxBatchSize: number, limits: ReceiveLimits = {}): Promise<ReceivedMessage[]> {
    const queue = await this.queue();
    if (this.closing) throw new Error('channel is closed');
    if (maxBatchSize <= 0 || !queue.hasQueued()) return [];
    const taken = await this.retrying(() => queue.takeOldest(maxBatchSize, limits));
    reportOversized(this.logger, taken, limits.maxMessageBytes, this.args.dead_max_length);
    const messages: ReceivedMessage[] = [];
    for (const row of taken.rows) {
      const message = await this.decodeOrDeadLetter(row);
      if (message) messages.push(message);
    }
    return messages;
  }

  /**
   * Deletes each message's row from in-progress by its row id, in one transaction (a
   * row another agent completed first is skipped); with state changes, all or nothing,
   * the changes applied in the same transaction.
   */
  async complete(receipts: readonly Receipt[], options: CompleteOptions = {}): Promise<void> {
    const ids = ownReceipts('SqliteChannel', SqliteReceipt, receipts).map((receipt) => receipt.rowId);
    const changes = checkStateChanges(options.stateChange);
    if (ids.length === 0) return;
    await this.run((queue) => queue.complete(ids, changes));
  }

  /** The lease `name`, a row of the file's `kadabra_leases` table, timed by SQLite's clock. */
  async lease(name: string, owner: string, ttlMs: number): Promise<boolean> {
    const request = checkLease(name, owner, ttlMs);
    await this.queue();
    const db = this.db;
    if (db === undefined) throw new Error('channel is closed');
    this.leases ??= new SqliteLease(db);
    const leases = this.leases;
    return this.retrying(() => leases.hold(request));
  }

  /** The totals of a publisher's state, from the file's `kadabra_state` table. */
  async readState(namespace: string, select?: StateSelection): Promise<Map<string, bigint>> {
    checkNamespace(namespace);
    checkStateSelection(select);
    return this.run((queue) => queue.readState(namespace, select));
  }

  /** The values set if newer of a publisher's state, from the file's `kadabra_state_latest` table. */
  async readLatest(namespace: string): Promise<Map<string, LatestValue>> {
    checkNamespace(namespace);
    return this.run((queue) => queue.readLatest(namespace));
  }

  /**
   * Up to `limit` in-progress messages (within `limits.maxBatchBytes`), oldest first,
   * each with when it entered in-progress and how long ago by SQLite's clock. Those over
   * `limits.maxMessageBytes` are moved to the dead letters in SQL, unread.
   */
  async inProgress(limit: number, limits: ReceiveLimits = {}): Promise<InProgressMessage[]> {
    const taken = await this.run((queue) => queue.inProgress(limit, limits));
    reportOversized(this.logger, taken, limits.maxMessageBytes, this.args.dead_max_length);
    const items: InProgressMessage[] = [];
    for (const row of taken.rows) {
      const message = await this.decodeOrDeadLetter(row);
      if (message) items.push({ ...message, enteredAt: row.entered_at, inProgressMs: taken.now - row.entered_at });
    }
    return items;
  }

  /** Moves the message out of in-progress into the dead-letter list with `reason`. */
  async deadLetter(receipt: Receipt, reason: string): Promise<void> {
    const [own] = ownReceipts('SqliteChannel', SqliteReceipt, [receipt]);
    if (own) await this.moveToDeadLetters(own, reason);
  }

  private async moveToDeadLetters(receipt: SqliteReceipt, reason: string): Promise<void> {
    const deadLetters = await this.run((queue) => queue.deadLetter(receipt.rowId, reason, Date.now()));
    if (deadLetters > 0) {
      reportDeadLetter(this.logger, { reason, bytes: receipt.bytes, deadLetters, threshold: this.args.dead_max_length });
    }
  }

  private async decodeOrDeadLetter(row: MessageRow): Promise<ReceivedMessage | undefined> {
    const receipt = new SqliteReceipt(row.id, row.body.length);
    try {
      return { receipt, metrics: decodeMetrics(row.body) };
    } catch (error) {
      if (!(error instanceof WireFormatError)) throw error;
      await this.moveToDeadLetters(receipt, error.message);
      return undefined;
    }
  }

  /** Queue length, in-progress count and age, dead-letter counts. */
  status(): Promise<ChannelStatus> {
    return this.run((queue) => queue.status(this.args.dead_max_length));
  }

  /** Up to `limit` dead letters, newest first. */
  deadLetters(limit: number): Promise<DeadLetter[]> {
    return this.run((queue) => queue.deadLetters(limit));
  }

  /**
   * Puts up to `limit` dead letters (oldest first; only those whose reason contains
   * `filter.reason`, when given) back on the queue, exactly as received, in one transaction.
   */
  async requeueDeadLetters(limit: number, filter: DeadLetterFilter = {}): Promise<number> {
    const requeued = await this.run((queue) => queue.requeueDeadLetters(limit, filter.reason));
    if (requeued > 0) notifySent(this.path);
    return requeued;
  }

  /** Deletes every dead letter; returns how many there were. */
  purgeDeadLetters(): Promise<number> {
    return this.run((queue) => queue.purgeDeadLetters());
  }

  /** Ends pending receives and closes the database connection; idempotent. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      this.closed.abort();
      // An open in flight sees `closing` and closes its own connection.
      try {
        this.db?.close();
      } catch (error) {
        this.logger.warn({ err: (error as Error).message }, 'closing the SQLite channel failed');
      }
      this.db = undefined;
    })();
    return this.closing;
  }
}
