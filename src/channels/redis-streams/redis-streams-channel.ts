import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Redis } from 'ioredis';
import { createLogger, type KadabraLogger } from '../../logging/logger.js';
import type { Metrics } from '../../metrics/metrics.js';
import { encodeMetrics } from '../../wire/codec.js';
import {
  DEFAULT_RECEIVE_TIMEOUT_SECONDS,
  type Channel,
  type ChannelDescription,
  type ChannelStatus,
  type ClaimOptions,
  type CompleteOptions,
  type ConsumerStatus,
  type DeadLetter,
  type DeadLetterFilter,
  type InProgressMessage,
  type LatestValue,
  type Receipt,
  type ReceivedMessage,
  type ReceiveLimits,
  type ReceiveOptions,
  type StateSelection,
} from '../channel.js';
import { secondsToMilliseconds } from '../../config/duration-seconds.js';
import { decodeOrReason } from '../decode-or-reason.js';
import type { EncodedMessage } from '../encoded-message.js';
import { parseChannelArgs } from '../parse-channel-args.js';
import { foreignReceipt, ownReceipts } from '../receipt.js';
import { reportDeadLetter } from '../report-dead-letter.js';
import { checkNamespace, checkStateChange, latestArgs, latestKey, overflowFailure, parseLatest, totalsArgs } from '../state-change.js';
import { redisLease } from '../redis/redis-lease.js';
import { untilAborted } from '../until-aborted.js';
import { BlockingConnections } from '../redis/blocking-connections.js';
import { BulkCommands } from '../redis/bulk-commands.js';
import { DeadLetterList } from '../redis/dead-letter-list.js';
import { ChannelConnection, COMMAND_TIMEOUT_MS, describeEndpoint, redisTlsOptions } from '../redis/redis-connection.js';
import {
  REDIS_STREAMS_CHANNEL_DEFAULT_ARGS,
  redisStreamsChannelArgsSchema,
  type RedisStreamsChannelArgs,
} from './redis-streams-channel-args.js';
import { RedisStreamReceipt } from './redis-stream-receipt.js';
import type { WireDialect } from '../../metrics/wire-dialect.js';
import { readStateHash } from '../redis/state-hash.js';

/**
 * Longest `BLOCK` of one blocking read: a longer receive blocks again, so that every read
 * is answered well within the command timeout, which fails one whose server stopped answering.
 */
const BLOCK_SLICE_MS = COMMAND_TIMEOUT_MS / 2;

/** Entry ids per complete script call without a state change: bounds how long one call holds Redis. */
const COMPLETE_CHUNK = 10_000;

/**
 * Appends each message (ARGV) to the stream as one entry with the single field `m`, in
 * order, in one step: a batch is appended whole or not at all.
 */
const XADD_SCRIPT = "for i = 1, #ARGV do redis.call('XADD', KEYS[1], '*', 'm', ARGV[i]) end return #ARGV";

/** The Redis keys of one stream; every one starts with the stream key, so they share its hash tag. */
interface StreamKeys {
  readonly stream: string;
  /** LIST of dead-letter records: `<stream_key>:dead`. */
  readonly dead: string;
  /** Prefix of the HASH of each publisher's state: `<stream_key>:state:<namespace>`. */
  readonly statePrefix: string;
  /** Prefix of each lease's key: `<stream_key>:lease:<name>`. */
  readonly leasePrefix: string;
}

/** A consumer name unique to this process and channel: host, pid and a random part. */
function uniqueConsumerName(): string {
  return `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
}

/**
 * Whether Redis refused a command for a missing stream or consumer group (`UNBLOCKED`: the
 * stream was deleted while a read blocked on it).
 */
function isNoGroup(error: unknown): boolean {
  return error instanceof Error && (error.message.includes('NOGROUP') || error.message.startsWith('UNBLOCKED'));
}

/** An entry of an `XREADGROUP` reply (as buffers): its id, and its fields, names and values in turn. */
type StreamEntry = [id: Buffer, fields: Buffer[]];

/** The entries of an `XREADGROUP` reply on one stream, `[[key, [[id, [field, value, ...]], ...]]]`; none for a nil reply. */
function entriesOf(reply: unknown): StreamEntry[] {
  if (!Array.isArray(reply)) return [];
  const [stream] = reply as [unknown, StreamEntry[]][];
  return stream?.[1] ?? [];
}

/** The message of an entry a Kadabra client wrote: its single field `m`; `undefined` for any other entry. */
function kadabraMessage(fields: readonly Buffer[]): Buffer | undefined {
  const [name, value] = fields;
  return fields.length === 2 && name?.length === 1 && name[0] === 0x6d ? value : undefined;
}

/** `[id, message, idle ms, ...]` as returned by the in-progress and claim scripts. */
function inProgressItems(
  flat: readonly (Buffer | number)[],
  nowMs: number,
  stream: string,
): { raw: Buffer; receipt: RedisStreamReceipt; enteredAt: number; inProgressMs: number }[] {
  const items = [];
  for (let i = 0; i + 2 < flat.length; i += 3) {
    const raw = flat[i + 1] as Buffer;
    const idle = Number(flat[i + 2]);
    items.push({ raw, receipt: new RedisStreamReceipt(String(flat[i]), stream, raw.length), enteredAt: nowMs - idle, inProgressMs: idle });
  }
  return items;
}

/** The `XINFO CONSUMERS` reply as consumer statuses. */
function consumerStatuses(reply: unknown): ConsumerStatus[] {
  if (!Array.isArray(reply)) return [];
  return reply.map((fields: unknown[]) => {
    const info = new Map<string, unknown>();
    for (let i = 0; i + 1 < fields.length; i += 2) info.set(String(fields[i]), fields[i + 1]);
    return { name: String(info.get('name')), pending: Number(info.get('pending')), idleMs: Number(info.get('idle')) };
  });
}

/**
 * A channel over a Redis stream with a consumer group, for fleets of Node apps and agents
 * (Python Kadabra cannot read it: it shares only the list channel). Apps append each
 * message as one entry (XADD, a batch in one step); agents read as consumers of one group
 * (XREADGROUP), so an entry is delivered to one agent and stays pending for it, by the
 * server's clock, until completed by id (XACK + XDEL, O(1) each). The stream is never
 * trimmed: an entry leaves it only when completed or dead-lettered.
 *
 * The entry id with the stream key is the message's identity (the receipt's `id` and
 * `shard`): a republish carries the same, two messages never share it.
 */
export class RedisStreamsChannel implements Channel {
  /** No Python agent reads a stream: gauges travel in their own array. */
  readonly dialect: WireDialect = 'extended';

  /** Default arguments. */
  static readonly DEFAULT_ARGS = REDIS_STREAMS_CHANNEL_DEFAULT_ARGS;

  /** The resolved arguments (defaults merged with what was given). */
  readonly args: RedisStreamsChannelArgs;
  /** This channel's consumer name in the group: `args.consumer`, or unique to this process. */
  readonly consumer: string;
  private readonly keys: StreamKeys;
  private readonly logger: KadabraLogger;
  private readonly commands: ChannelConnection;
  /** The connections of blocking reads, one per receive waiting. */
  private readonly blocking: BlockingConnections;
  private readonly closed = new AbortController();
  private readonly dead: DeadLetterList;
  private readonly xadd = new BulkCommands('eval', (key) => ['EVAL', XADD_SCRIPT, '1', key]);
  private groupCreated: Promise<void> | undefined;

  /**
   * @param args overrides of `DEFAULT_ARGS` (`host`, `port`, `stream_key`, `group`, ...).
   * @param logger logger for connection problems (default: a new pino logger).
   */
  constructor(args: Partial<RedisStreamsChannelArgs> = {}, logger?: KadabraLogger) {
    this.args = parseChannelArgs('RedisStreamsChannel', redisStreamsChannelArgsSchema, REDIS_STREAMS_CHANNEL_DEFAULT_ARGS, args);
    // Reads the TLS files now, so a wrong path fails construction rather than every connect.
    redisTlsOptions(this.args);
    this.logger = logger ?? createLogger().child({ name: this.args.logger });
    this.consumer = this.args.consumer ?? uniqueConsumerName();
    const stream = this.args.stream_key;
    this.keys = Object.freeze({ stream, dead: `${stream}:dead`, statePrefix: `${stream}:state:`, leasePrefix: `${stream}:lease:` });
    this.commands = new ChannelConnection(this.args, this.logger);
    this.blocking = new BlockingConnections(this.args, this.logger);
    this.dead = new DeadLetterList(this.keys.dead);
  }

  /** `redis-streams`, and where it connects (without credentials). */
  describe(): ChannelDescription {
    return { type: 'redis-streams', endpoint: describeEndpoint(this.args) };
  }

  private ready(): Promise<Redis> {
    return this.commands.ready();
  }

  /**
   * The connection, once the consumer group exists: created (reading from the start of
   * the stream, which it creates if missing) on first use; one that exists is kept.
   */
  private async withGroup(): Promise<Redis> {
    const connection = await this.ready();
    this.groupCreated ??= connection.xgroup('CREATE', this.keys.stream, this.args.group, '0', 'MKSTREAM').then(
      () => undefined,
      (error: unknown) => {
        if (error instanceof Error && error.message.startsWith('BUSYGROUP')) return;
        this.groupCreated = undefined;
        throw error;
      },
    );
    await this.groupCreated;
    return connection;
  }

  /** Runs `command` on the group; when the stream or group was deleted meanwhile, creates it again and retries once. */
  private async onGroup<T>(command: (connection: Redis) => Promise<T>): Promise<T> {
    try {
      return await command(await this.withGroup());
    } catch (error) {
      if (!isNoGroup(error)) throw error;
      this.groupCreated = undefined;
      return command(await this.withGroup());
    }
  }

  /** Encodes and appends one message. */
  async send(metrics: Metrics): Promise<void> {
    await this.sendEncoded([encodeMetrics(metrics, this.dialect)]);
  }

  /** Appends encoded messages in order (the first given is received first), all in one step and one round trip. */
  async sendEncoded(messages: readonly EncodedMessage[]): Promise<void> {
    if (messages.length === 0) return;
    const connection = await this.ready();
    const command = this.xadd.create(this.keys.stream, messages);
    await connection.sendCommand(command);
    this.xadd.acknowledged(command);
  }

  /**
   * Waits (up to `timeoutSeconds`, default 10) for an entry, with a blocking
   * `XREADGROUP ... COUNT 1 BLOCK` on a connection of its own (blocking at most 5 s at a
   * time, well within the command timeout). An entry over `maxMessageBytes`, one not
   * written by a Kadabra client and an undecodable one are dead-lettered without being
   * decoded, and the wait goes on. Aborting `signal` or closing the channel ends the wait
   * at once with `null`: the read's connection is dropped, which ends the server's wait
   * too (an entry delivered in that instant stays pending for this consumer, for a nanny
   * to claim once idle).
   */
  async receive(options: ReceiveOptions = {}): Promise<ReceivedMessage | null> {
    const signal = options.signal ? AbortSignal.any([options.signal, this.closed.signal]) : this.closed.signal;
    const deadline = Date.now() + secondsToMilliseconds(options.timeoutSeconds ?? DEFAULT_RECEIVE_TIMEOUT_SECONDS);
    for (let first = true; !signal.aborted; first = false) {
      const remaining = deadline - Date.now();
      if (!first && remaining < 1) return null;
      // BLOCK 0 would wait for ever: a receive whose time is up still reads once, for 1 ms.
      const block = Math.ceil(Math.min(Math.max(remaining, 1), BLOCK_SLICE_MS));
      // Cut short too while the group is being made, on a server that does not answer.
      const reply = await untilAborted(
        this.onGroup(() => this.blocking.run((connection) => this.readBlocking(connection, block), signal)),
        signal,
      );
      if (reply === undefined) return null;
      const [message] = await this.accept(entriesOf(reply), options.maxMessageBytes ?? 0);
      if (message) return message;
    }
    return null;
  }

  /**
   * `XREADGROUP ... COUNT 1 BLOCK blockMs` for this consumer, sent right after `XGROUP
   * CREATECONSUMER` (no extra round trip): a blocking read creates its consumer only once
   * it is served, so without it an agent waiting on an empty stream would be missing from
   * `XINFO CONSUMERS` (the status's consumers), and its idle time would not restart.
   */
  private readBlocking(connection: Redis, blockMs: number): Promise<unknown> {
    const { stream } = this.keys;
    const { group } = this.args;
    // Its failure (a missing group) is the read's too, which reports it.
    connection.xgroup('CREATECONSUMER', stream, group, this.consumer).catch(() => undefined);
    return connection.callBuffer('XREADGROUP', 'GROUP', group, this.consumer, 'COUNT', 1, 'BLOCK', blockMs, 'STREAMS', stream, '>');
  }

  /**
   * Delivers up to `maxBatchSize` waiting entries to this consumer, within `limits.maxBatchBytes`.
   * When `maxBatchSize` entries of `limits.maxMessageBytes` fit the budget, or there is
   * none, with a plain `XREADGROUP` (the reply is the entries as stored: nothing to copy
   * in between); otherwise with the receive script, which reads once and gives the
   * entries past the budget back in the same step.
   */
  async receiveBatch(maxBatchSize: number, limits: ReceiveLimits = {}): Promise<ReceivedMessage[]> {
    if (maxBatchSize <= 0) return [];
    const { maxMessageBytes = 0, maxBatchBytes = 0 } = limits;
    if (maxBatchBytes > 0 && !(maxMessageBytes > 0 && maxBatchSize * maxMessageBytes <= maxBatchBytes)) {
      return this.take(maxBatchSize, maxMessageBytes, maxBatchBytes);
    }
    const reply = await this.onGroup((connection) =>
      connection.callBuffer('XREADGROUP', 'GROUP', this.args.group, this.consumer, 'COUNT', maxBatchSize, 'STREAMS', this.keys.stream, '>'));
    return this.accept(entriesOf(reply), maxMessageBytes);
  }

  /**
   * The messages of entries a plain `XREADGROUP` delivered, in order. One over
   * `maxMessageBytes` (0: no limit) or not written by a Kadabra client is dead-lettered
   * undecoded, by the dead-letter script with its own check's reason (the one every
   * receive path gives); an undecodable one is dead-lettered with the decoder's.
   */
  private async accept(entries: readonly StreamEntry[], maxMessageBytes: number): Promise<ReceivedMessage[]> {
    const { stream } = this.keys;
    const messages: ReceivedMessage[] = [];
    for (const [idBytes, fields] of entries) {
      const id = idBytes.toString('latin1');
      const raw = kadabraMessage(fields);
      if (raw === undefined || (maxMessageBytes > 0 && raw.length > maxMessageBytes)) {
        const bytes = raw?.length ?? fields.reduce((sum, field) => sum + field.length, 0);
        await this.deadLetterUnfit(id, bytes, maxMessageBytes);
        continue;
      }
      const receipt = new RedisStreamReceipt(id, stream, raw.length);
      const metrics = decodeOrReason(raw);
      if (typeof metrics === 'string') await this.deadLetter(receipt, metrics);
      else messages.push({ receipt, metrics });
    }
    return messages;
  }

  /** Dead-letters a delivered entry over `maxMessageBytes` or not written by a Kadabra client, with the script's reason. */
  private async deadLetterUnfit(id: string, bytes: number, maxMessageBytes: number): Promise<void> {
    const { stream, dead } = this.keys;
    const connection = await this.ready();
    const length = await connection.kadabraStreamDeadLetter(stream, dead, this.args.group, id, '', maxMessageBytes);
    if (length > 0) {
      reportDeadLetter(this.logger, {
        reason: `stream entry ${id} dead-lettered undecoded (over AGENT_MESSAGE_MAX_BYTES, or not written by a Kadabra client)`,
        bytes,
        deadLetters: length,
        threshold: this.args.dead_max_length,
      });
    }
  }

  /** One receive script call (sizes looked at first, within the budget), then decoding. */
  private async take(max: number, maxMessageBytes: number, maxBatchBytes: number): Promise<ReceivedMessage[]> {
    const { stream, dead } = this.keys;
    const reply = await this.onGroup((connection) =>
      connection.kadabraStreamReceiveBuffer(stream, dead, this.args.group, this.consumer, max, maxMessageBytes, maxBatchBytes));
    const [, deadLettered, deadLetters, lastSize, ...flat] = reply;
    this.reportUnread(deadLettered, deadLetters, lastSize);
    const messages: ReceivedMessage[] = [];
    for (let i = 0; i + 1 < flat.length; i += 2) {
      const raw = flat[i + 1] as Buffer;
      const receipt = new RedisStreamReceipt(String(flat[i]), stream, raw.length);
      const metrics = decodeOrReason(raw);
      if (typeof metrics === 'string') await this.deadLetter(receipt, metrics);
      else messages.push({ receipt, metrics });
    }
    return messages;
  }

  /** Logs what a script dead-lettered without returning it (oversized, foreign, delivered too often). */
  private reportUnread(deadLettered: number, deadLetters: number, lastSize: number): void {
    if (deadLettered === 0) return;
    reportDeadLetter(this.logger, {
      reason: `${deadLettered} stream entr${deadLettered === 1 ? 'y' : 'ies'} moved to the dead letters by the server, unread ` +
        '(over AGENT_MESSAGE_MAX_BYTES, delivered more than AGENT_MAX_DELIVERIES times, or not written by a Kadabra client)',
      bytes: lastSize,
      deadLetters,
      threshold: this.args.dead_max_length,
    });
  }

  /** These receipts, checked to be this channel's: issued by a `RedisStreamsChannel` on this stream. */
  private own(receipts: readonly Receipt[]): RedisStreamReceipt[] {
    const own = ownReceipts('RedisStreamsChannel', RedisStreamReceipt, receipts);
    const other = own.find((receipt) => receipt.shard !== this.keys.stream);
    if (other) throw foreignReceipt(`RedisStreamsChannel on stream ${this.keys.stream}`, other);
    return own;
  }

  /**
   * Acknowledges and deletes the entries (XACK + XDEL). Without a state change, in script
   * calls of up to 10,000 entries, skipping those no longer pending; with one, in a single
   * call, all or nothing, with the HINCRBYs of the change on `<stream_key>:state:<namespace>` and its values
   * set if newer on `...:latest`.
   */
  async complete(receipts: readonly Receipt[], options: CompleteOptions = {}): Promise<void> {
    const own = this.own(receipts);
    const change = options.stateChange && checkStateChange(options.stateChange);
    if (own.length === 0) return;
    const connection = await this.ready();
    const { stream, statePrefix } = this.keys;
    const group = this.args.group;
    if (change) {
      try {
        await connection.kadabraStreamComplete(
          stream, `${statePrefix}${change.namespace}`, latestKey(statePrefix, change.namespace), group,
          own.length, change.add.size, change.set?.size ?? 0, ...own.map((receipt) => receipt.id), ...totalsArgs(change.add), ...latestArgs(change.set),
        );
      } catch (error) {
        throw overflowFailure(error, change);
      }
      return;
    }
    for (let i = 0; i < own.length; i += COMPLETE_CHUNK) {
      const chunk = own.slice(i, i + COMPLETE_CHUNK);
      await connection.kadabraStreamComplete(stream, statePrefix, statePrefix, group, chunk.length, -1, 0, ...chunk.map((receipt) => receipt.id));
    }
  }

  /** The totals of a publisher's state (`<stream_key>:state:<namespace>`), exact as bigints. */
  async readState(namespace: string, select?: StateSelection): Promise<Map<string, bigint>> {
    const key = `${this.keys.statePrefix}${checkNamespace(namespace)}`;
    return readStateHash(await this.ready(), key, select);
  }

  /** The values set if newer of a publisher's state (`<stream_key>:state:<namespace>:latest`). */
  async readLatest(namespace: string): Promise<Map<string, LatestValue>> {
    const values = await (await this.ready()).hgetall(latestKey(this.keys.statePrefix, checkNamespace(namespace)));
    return new Map(Object.entries(values).map(([name, text]) => [name, parseLatest(text)]));
  }

  /**
   * The lease `name` in the key `<stream_key>:lease:<name>`, under the stream's hash tag
   * (the script `lease-1.lua`; its time is the server's).
   */
  async lease(name: string, owner: string, ttlMs: number): Promise<boolean> {
    return redisLease(() => this.ready(), this.keys.leasePrefix, name, owner, ttlMs);
  }

  /**
   * Up to `limit` entries pending in the group (delivered to any consumer, not completed),
   * lowest id first, each with how long since it was last delivered by the server's clock.
   * Nothing is claimed. Those over `limits.maxMessageBytes` are dead-lettered by the server, unread.
   */
  async inProgress(limit: number, limits: ReceiveLimits = {}): Promise<InProgressMessage[]> {
    const { stream, dead } = this.keys;
    const [nowMs, deadLettered, deadLetters, lastSize, ...flat] = await this.onGroup((connection) =>
      connection.kadabraStreamInProgressBuffer(stream, dead, this.args.group, limit, limits.maxMessageBytes ?? 0, limits.maxBatchBytes ?? 0));
    this.reportUnread(deadLettered, deadLetters, lastSize);
    return this.decodeInProgress(inProgressItems(flat, nowMs, stream));
  }

  /**
   * Claims for this consumer the entries pending longer than `thresholdMs` (XPENDING ...
   * IDLE, then XCLAIM, in one script), lowest id first: no other agent's nanny takes them
   * until they are idle that long again. One already delivered `maxDeliveries` times is
   * dead-lettered with its history (how often, the consumer that last held it, how long
   * it had been idle). Then removes the consumers of agents that are gone: those holding
   * nothing and idle longer than the threshold, checked and removed in one step.
   */
  async claimStuck(options: ClaimOptions): Promise<InProgressMessage[]> {
    const { stream, dead } = this.keys;
    const { thresholdMs, limit, maxDeliveries, maxMessageBytes = 0, maxBatchBytes = 0 } = options;
    const [nowMs, deadLettered, deadLetters, lastSize, ...flat] = await this.onGroup((connection) =>
      connection.kadabraStreamClaimBuffer(
        stream, dead, this.args.group, this.consumer, Math.floor(thresholdMs) + 1, limit, maxDeliveries, maxMessageBytes, maxBatchBytes,
      ));
    this.reportUnread(deadLettered, deadLetters, lastSize);
    const claimed = await this.decodeInProgress(inProgressItems(flat, nowMs, stream));
    await this.removeGoneConsumers(thresholdMs);
    return claimed;
  }

  /**
   * Removes the group's consumers that hold nothing and have been idle longer than
   * `idleMs` (never this one), each checked and removed in one step.
   * @returns their names.
   */
  async removeGoneConsumers(idleMs: number): Promise<string[]> {
    const removed = await this.onGroup((connection) =>
      connection.kadabraStreamPruneConsumers(this.keys.stream, this.args.group, this.consumer, Math.floor(idleMs)));
    if (removed.length > 0) this.logger.info({ consumers: removed }, 'removed consumers that held nothing and were idle (agents gone)');
    return removed;
  }

  private async decodeInProgress(
    items: readonly { raw: Buffer; receipt: RedisStreamReceipt; enteredAt: number; inProgressMs: number }[],
  ): Promise<InProgressMessage[]> {
    const decoded: InProgressMessage[] = [];
    for (const { raw, receipt, enteredAt, inProgressMs } of items) {
      const metrics = decodeOrReason(raw);
      if (typeof metrics === 'string') await this.deadLetter(receipt, metrics);
      else decoded.push({ receipt, metrics, enteredAt, inProgressMs });
    }
    return decoded;
  }

  /** Moves a pending entry to the dead-letter list with `reason` (acknowledged and deleted from the stream). */
  async deadLetter(receipt: Receipt, reason: string): Promise<void> {
    const [own] = this.own([receipt]);
    if (!own) return;
    const connection = await this.ready();
    const length = await connection.kadabraStreamDeadLetter(this.keys.stream, this.keys.dead, this.args.group, own.id, reason);
    if (length > 0) reportDeadLetter(this.logger, { reason, bytes: own.bytes, deadLetters: length, threshold: this.args.dead_max_length });
  }

  /**
   * Entries waiting (not yet delivered: the group's lag), pending (delivered, not
   * completed) and the age of the pending entry with the lowest id by the server's clock,
   * dead letters, and each consumer with what it holds. Creates nothing: a stream or group
   * that does not exist yet shows as empty.
   */
  async status(): Promise<ChannelStatus> {
    const connection = await this.ready();
    const { stream, dead } = this.keys;
    const group = this.args.group;
    const [length, deadLetters] = await Promise.all([connection.xlen(stream), connection.llen(dead)]);
    let pending = 0;
    let oldest: { idle: number; nowMs: number } | undefined;
    let consumers: ConsumerStatus[] = [];
    try {
      const [summary, lowest, info, time] = await Promise.all([
        connection.xpending(stream, group),
        connection.xpending(stream, group, '-', '+', 1),
        connection.xinfo('CONSUMERS', stream, group),
        connection.time(),
      ]);
      pending = Number((summary as unknown[])[0]);
      const first = (lowest as unknown[][])[0];
      // The server's clock, as the nanny judges by: never this process's.
      if (first) oldest = { idle: Number(first[2]), nowMs: Number(time[0]) * 1000 + Math.floor(Number(time[1]) / 1000) };
      consumers = consumerStatuses(info);
    } catch (error) {
      if (!isNoGroup(error)) throw error;
    }
    return {
      queued: Math.max(0, length - pending),
      inProgress: pending,
      oldestInProgressAt: oldest && oldest.nowMs - oldest.idle,
      oldestInProgressMs: oldest?.idle,
      deadLetters,
      deadLetterAlarmThreshold: this.args.dead_max_length,
      consumers,
    };
  }

  /** Up to `limit` dead letters, newest first. */
  async deadLetters(limit: number): Promise<DeadLetter[]> {
    return this.dead.list(await this.ready(), limit);
  }

  /**
   * Appends up to `limit` dead letters (oldest first; only those whose reason contains
   * `filter.reason`, when given) to the stream again as new entries, exactly as received.
   * Each one moves in one script, so requeues running at once never append one twice.
   */
  async requeueDeadLetters(limit: number, filter: DeadLetterFilter = {}): Promise<number> {
    const connection = await this.ready();
    const { dead, stream } = this.keys;
    return this.dead.requeue(connection, limit, filter, (record, message) =>
      connection.kadabraStreamRequeueDeadLetter(dead, stream, record, message));
  }

  /** Deletes every dead letter; returns how many there were. */
  async purgeDeadLetters(): Promise<number> {
    return this.dead.purge(await this.ready());
  }

  /** Closes the connection, ending a pending receive at once with `null`; idempotent and bounded (see `ChannelConnection`). */
  close(): Promise<void> {
    this.closed.abort();
    this.blocking.close();
    return this.commands.close();
  }
}
