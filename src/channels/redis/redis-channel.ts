import { parseChannelArgs } from '../parse-channel-args.js';
import { hash } from 'node:crypto';
import type { Redis } from 'ioredis';
import { createLogger, type KadabraLogger } from '../../logging/logger.js';
import type { Metrics } from '../../metrics/metrics.js';
import { encodeMetrics } from '../../wire/codec.js';
import { decodeOrReason } from '../decode-or-reason.js';
import type {
  Channel,
  ChannelDescription,
  ChannelStatus,
  CompleteOptions,
  DeadLetter,
  DeadLetterFilter,
  InProgressMessage,
  Receipt,
  ReceivedMessage,
  ReceiveLimits,
  ReceiveOptions,
  StateChange,
  StateSelection,
  LatestValue,
} from '../channel.js';
import { redisLease } from './redis-lease.js';
import { ownReceipts } from '../receipt.js';
import { checkNamespace, checkStateChanges, overflowFailure, stateChangeArgs, stateChangeKeys } from '../state-change.js';
import { RedisListReceipt } from './redis-list-receipt.js';
import { untilAborted } from '../until-aborted.js';
import type { EncodedMessage } from '../encoded-message.js';
import { deadLetterRecord } from './dead-letter-record.js';
import {
  REDIS_CHANNEL_DEFAULT_ARGS,
  redisChannelArgsSchema,
  type RedisChannelArgs,
} from './redis-channel-args.js';
import { LpushCommands } from './bulk-commands.js';
import { ChannelConnection, describeEndpoint, redisTlsOptions } from './redis-connection.js';
import { DeadLetterList } from './dead-letter-list.js';
import { pollReceive } from './poll-receive.js';
import { reportDeadLetter, reportOversized } from '../report-dead-letter.js';
import type { WireDialect } from '../../metrics/wire-dialect.js';
import { readLatestHash, readStateHash } from './state-hash.js';

/** Messages per complete script call: bounds how long one call holds Redis. */
const COMPLETE_CHUNK = 10_000;

/** The Redis keys one channel uses. */
interface ChannelKeys {
  readonly queue: string;
  readonly inprogress: string;
  /** HASH sha1(message) -> ms it entered in-progress. */
  readonly entered: string;
  readonly dead: string;
  /** Prefix of the HASH of each publisher's state: `<queue>:state:<namespace>`. */
  readonly statePrefix: string;
  /** Prefix of each lease's key: `<queue>:lease:<name>`. */
  readonly leasePrefix: string;
}

/** The key of a message's entered-time record; the same as Lua's `redis.sha1hex(message)`. */
function sha1(raw: Buffer): string {
  return hash('sha1', raw, 'hex');
}

/** `digest, time, digest, time, ...`: the HSET arguments recording that messages entered at `nowMs`. */
function enteredRecords(digests: readonly string[], nowMs: number): string[] {
  const args: string[] = [];
  const now = String(nowMs);
  for (const digest of digests) args.push(digest, now);
  return args;
}

/**
 * A channel over Redis, wire-compatible with the Python original: the queue and the
 * in-progress list are LISTs of the exact message bytes (a Python client or agent can
 * share them). When each item entered in-progress is kept beside them in a HASH keyed by
 * the SHA-1 of its bytes, so the nanny judges "stuck" by time in progress.
 *
 * Records err late, never early: identical bytes in flight twice share one record (the
 * later entry's time), and completing either copy drops it, so the other is timed again
 * from when the nanny next sees it. A receive records after its move (a crash in between
 * leaves an item the nanny times from first sight).
 */
export class RedisChannel implements Channel {
  /** Python Kadabra 0.5.0 agents share the list: every message passes their re-encoding (gauges as marked counters). */
  readonly dialect: WireDialect = 'python';

  /** Default arguments (the original's, plus dead letters, url, credentials, connect timeout). */
  static readonly DEFAULT_ARGS = REDIS_CHANNEL_DEFAULT_ARGS;

  /** The resolved arguments (defaults merged with what was given). */
  readonly args: RedisChannelArgs;
  private readonly keys: ChannelKeys;
  private readonly logger: KadabraLogger;
  private readonly commands: ChannelConnection;
  private readonly closed = new AbortController();
  private readonly dead: DeadLetterList;
  private readonly lpush = new LpushCommands();

  /**
   * @param args overrides of `DEFAULT_ARGS` (`host`, `port`, `db`, `queue_key`, ...).
   * @param logger logger for connection problems (default: a new pino logger).
   */
  constructor(args: Partial<RedisChannelArgs> = {}, logger?: KadabraLogger) {
    this.args = parseChannelArgs('RedisChannel', redisChannelArgsSchema, REDIS_CHANNEL_DEFAULT_ARGS, args);
    // Reads the TLS files now, so a wrong path fails construction rather than every connect.
    redisTlsOptions(this.args);
    this.logger = logger ?? createLogger().child({ name: this.args.logger });
    const { queue_key, inprogress_key, dead_key } = this.args;
    this.keys = Object.freeze({
      queue: queue_key,
      inprogress: inprogress_key,
      entered: `${inprogress_key}:entered`,
      dead: dead_key,
      statePrefix: `${queue_key}:state:`,
      leasePrefix: `${queue_key}:lease:`,
    });
    this.commands = new ChannelConnection(this.args, this.logger);
    this.dead = new DeadLetterList(dead_key);
  }

  /** `redis`, and where it connects (without credentials: no user, no password). */
  describe(): ChannelDescription {
    return { type: 'redis', endpoint: describeEndpoint(this.args) };
  }

  private ready(): Promise<Redis> {
    return this.commands.ready();
  }

  /** Encodes and enqueues one message. */
  async send(metrics: Metrics): Promise<void> {
    await this.sendEncoded([encodeMetrics(metrics, this.dialect)]);
  }

  /** Enqueues encoded messages in order (the first given is received first), one round trip. */
  async sendEncoded(messages: readonly EncodedMessage[]): Promise<void> {
    if (messages.length === 0) return;
    const connection = await this.ready();
    const command = this.lpush.create(this.keys.queue, messages);
    await connection.sendCommand(command);
    this.lpush.acknowledged(command);
  }

  /**
   * Waits (up to `timeoutSeconds`, default 10) until a message can be moved to
   * in-progress. Undecodable messages, and those over `maxMessageBytes` (moved by the
   * server without being read), are dead-lettered and the wait goes on. Aborting
   * `signal` or closing the channel ends the wait at once with `null`, even while the
   * server does not answer.
   *
   * The move is the size-checking receive script, polled (`pollReceive`): a blocking
   * BRPOPLPUSH would hand over any message whole, whatever its size.
   */
  receive(options: ReceiveOptions = {}): Promise<ReceivedMessage | null> {
    return pollReceive((limits, signal) => this.take(1, limits, signal), options, this.closed.signal);
  }

  /**
   * Moves up to `maxBatchSize` messages to in-progress at once, within
   * `limits.maxBatchBytes`; an empty queue costs one check.
   */
  async receiveBatch(maxBatchSize: number, limits: ReceiveLimits = {}): Promise<ReceivedMessage[]> {
    const taken = await this.take(maxBatchSize, limits, undefined);
    return taken?.messages ?? [];
  }

  /**
   * One receive script call: moves messages to in-progress (those over the maximum to the
   * dead letters, unread), records when they entered by the server's clock, decodes them.
   * @returns the decodable messages and how many items left the queue; `undefined` when
   *   `signal` aborted first (a move the server made anyway leaves items in progress
   *   with no record: the nanny times them from when it first sees them).
   */
  private async take(
    max: number,
    limits: ReceiveLimits,
    signal: AbortSignal | undefined,
  ): Promise<{ messages: ReceivedMessage[]; moved: number } | undefined> {
    const connection = await this.ready();
    const { queue, inprogress, dead } = this.keys;
    const reply = await untilAborted(
      connection.kadabraReceiveBatchBuffer(
        queue, inprogress, dead, max, limits.maxMessageBytes ?? 0, limits.maxBatchBytes ?? 0,
      ),
      signal,
    );
    if (!reply) return undefined;
    const [nowMs, deadLettered, deadLetters, lastSize, ...raws] = reply;
    reportOversized(this.logger, { deadLettered, deadLetters, lastSize }, limits.maxMessageBytes, this.args.dead_max_length);
    const digests = raws.map(sha1);
    await this.recordEntered(digests, nowMs);
    const messages: ReceivedMessage[] = [];
    for (const [i, raw] of raws.entries()) {
      const metrics = decodeOrReason(raw);
      if (typeof metrics !== 'string') messages.push({ receipt: new RedisListReceipt(raw, digests[i] as string, 'head'), metrics });
      else await this.moveToDeadLetters(raw, metrics, 'head');
    }
    return { messages, moved: raws.length + deadLettered };
  }

  /**
   * Records that the messages with these digests entered in-progress at `atMs`, the
   * server's time of the move. The messages are ours whether or not this succeeds:
   * without a record the nanny times them from when it first sees them.
   */
  private async recordEntered(digests: readonly string[], atMs: number): Promise<void> {
    if (digests.length === 0) return;
    try {
      const connection = await this.ready();
      await connection.hset(this.keys.entered, ...enteredRecords(digests, atMs));
    } catch (error) {
      this.logger.debug({ err: error instanceof Error ? error.message : String(error) }, 'could not record when messages entered in-progress');
    }
  }

  /**
   * Removes the exact bytes of each message from in-progress (one copy each), searching
   * from whichever end holds the oldest of them, so a batch completes in time
   * proportional to the batch. Without a state change, in script calls of up to 10,000
   * messages; with one (or several), in a single call (all or nothing, with the HINCRBYs
   * of each change on `<queue_key>:state:<namespace>` and its values set if newer on `...:latest`).
   */
  async complete(receipts: readonly Receipt[], options: CompleteOptions = {}): Promise<void> {
    const own = ownReceipts('RedisChannel', RedisListReceipt, receipts);
    const changes = checkStateChanges(options.stateChange);
    if (own.length === 0) return;
    const connection = await this.ready();
    if (changes) {
      await this.completeWithChanges(connection, own, changes);
      return;
    }
    const { inprogress, entered } = this.keys;
    for (let i = 0; i < own.length; i += COMPLETE_CHUNK) {
      const chunk = own.slice(i, i + COMPLETE_CHUNK);
      await connection.kadabraComplete(2, inprogress, entered, chunk.length, -1, ...chunk.map((receipt) => receipt.message), ...chunk.map((receipt) => receipt.id));
    }
  }

  /** One script call: every message removed and every change applied, or neither. */
  private async completeWithChanges(connection: Redis, own: readonly RedisListReceipt[], changes: readonly StateChange[]): Promise<void> {
    const { inprogress, entered, statePrefix } = this.keys;
    const keys = [inprogress, entered, ...stateChangeKeys(statePrefix, changes)];
    try {
      await connection.kadabraComplete(
        keys.length, ...keys, own.length, changes.length,
        ...own.map((receipt) => receipt.message), ...own.map((receipt) => receipt.id), ...stateChangeArgs(changes),
      );
    } catch (error) {
      throw overflowFailure(error, changes);
    }
  }

  /** The totals of a publisher's state (`<queue_key>:state:<namespace>`), exact as bigints. */
  async readState(namespace: string, select?: StateSelection): Promise<Map<string, bigint>> {
    const key = `${this.keys.statePrefix}${checkNamespace(namespace)}`;
    return readStateHash(await this.ready(), key, select);
  }

  /** The lease `name` in the key `<queue_key>:lease:<name>` (the script `lease-1.lua`; its time is the server's). */
  async lease(name: string, owner: string, ttlMs: number): Promise<boolean> {
    return redisLease(() => this.ready(), this.keys.leasePrefix, name, owner, ttlMs);
  }

  /** The values set if newer of a publisher's state (`<queue_key>:state:<namespace>:latest`). */
  async readLatest(namespace: string): Promise<Map<string, LatestValue>> {
    return readLatestHash(await this.ready(), this.keys.statePrefix, checkNamespace(namespace));
  }

  /**
   * Up to `limit` in-progress messages (within `limits.maxBatchBytes`), oldest first,
   * each with when it entered in-progress and how long ago by the server's clock. Those
   * over `limits.maxMessageBytes` are moved to the dead letters by the server, unread.
   */
  async inProgress(limit: number, limits: ReceiveLimits = {}): Promise<InProgressMessage[]> {
    const connection = await this.ready();
    const { inprogress, entered, dead } = this.keys;
    const [nowMs, deadLettered, deadLetters, lastSize, ...flat] = await connection.kadabraInProgressBuffer(
      inprogress, entered, dead, limit, limits.maxMessageBytes ?? 0, limits.maxBatchBytes ?? 0,
    );
    reportOversized(this.logger, { deadLettered, deadLetters, lastSize }, limits.maxMessageBytes, this.args.dead_max_length);
    const items: InProgressMessage[] = [];
    for (let i = 0; i + 1 < flat.length; i += 2) {
      const raw = flat[i] as Buffer;
      const enteredAt = Number((flat[i + 1] as Buffer).toString());
      const metrics = decodeOrReason(raw);
      if (typeof metrics === 'string') await this.moveToDeadLetters(raw, metrics, 'tail');
      else items.push({ receipt: new RedisListReceipt(raw, sha1(raw), 'tail'), metrics, enteredAt, inProgressMs: nowMs - enteredAt });
    }
    return items;
  }

  /** Moves one copy of the message from in-progress to the dead-letter list with `reason`. */
  async deadLetter(receipt: Receipt, reason: string): Promise<void> {
    const [own] = ownReceipts('RedisChannel', RedisListReceipt, [receipt]);
    if (own) await this.moveToDeadLetters(own.message, reason, own.searchFrom, own.id);
  }

  private async moveToDeadLetters(raw: Buffer, reason: string, from: 'head' | 'tail', digest = sha1(raw)): Promise<void> {
    const connection = await this.ready();
    const { inprogress, entered, dead } = this.keys;
    const length = await connection.kadabraDeadLetter(
      inprogress, entered, dead, raw, digest, deadLetterRecord(raw, reason), from,
    );
    if (length > 0) reportDeadLetter(this.logger, { reason, bytes: raw.length, deadLetters: length, threshold: this.args.dead_max_length });
  }

  /** Queue length, in-progress count and age, dead-letter counts. */
  async status(): Promise<ChannelStatus> {
    const connection = await this.ready();
    const { queue, inprogress, entered, dead } = this.keys;
    const [queued, inProgress, oldest, deadLetters, time] = await Promise.all([
      connection.llen(queue),
      connection.llen(inprogress),
      connection.lindexBuffer(inprogress, -1),
      connection.llen(dead),
      connection.time(),
    ]);
    let oldestInProgressAt: number | undefined;
    if (oldest) {
      const at = await connection.hget(entered, sha1(oldest));
      oldestInProgressAt = at === null ? undefined : Number(at);
    }
    // The server's clock, as the nanny judges by: never this process's.
    const nowMs = Number(time[0]) * 1000 + Math.floor(Number(time[1]) / 1000);
    return {
      queued,
      inProgress,
      oldestInProgressAt,
      oldestInProgressMs: oldestInProgressAt === undefined ? undefined : nowMs - oldestInProgressAt,
      deadLetters,
      deadLetterAlarmThreshold: this.args.dead_max_length,
    };
  }

  /** Up to `limit` dead letters, newest first. */
  async deadLetters(limit: number): Promise<DeadLetter[]> {
    return this.dead.list(await this.ready(), limit);
  }

  /**
   * Puts up to `limit` dead letters (oldest first; only those whose reason contains
   * `filter.reason`, when given) back on the queue, exactly as received. Each one moves
   * in one script (remove the record, push the message), so requeues running at once
   * never queue one twice.
   */
  async requeueDeadLetters(limit: number, filter: DeadLetterFilter = {}): Promise<number> {
    const connection = await this.ready();
    const { dead, queue } = this.keys;
    return this.dead.requeue(connection, limit, filter, (record, message) =>
      connection.kadabraRequeueDeadLetter(dead, queue, record, message));
  }

  /** Deletes every dead letter; returns how many there were. */
  async purgeDeadLetters(): Promise<number> {
    return this.dead.purge(await this.ready());
  }

  /**
   * Closes the connection, ending a pending receive at once with `null`; idempotent.
   * Bounded whatever the server does: a server that does not answer QUIT within 0.5 s
   * (stopped, or behind a black hole) has the connection dropped, failing what was
   * still waiting on it.
   */
  close(): Promise<void> {
    this.closed.abort();
    return this.commands.close();
  }
}
