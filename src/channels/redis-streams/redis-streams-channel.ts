import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Cluster } from 'ioredis';
import { createLogger, type KadabraLogger } from '../../logging/logger.js';
import type { Metrics } from '../../metrics/metrics.js';
import { encodeMetrics } from '../../wire/codec.js';
import type {
  Channel,
  ChannelDescription,
  ChannelStatus,
  ClaimOptions,
  CompleteOptions,
  ConsumerStatus,
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
import { ConfigurationError } from '../../errors/configuration-error.js';
import { InvalidArgumentError } from '../../errors/invalid-argument-error.js';
import type { EncodedMessage } from '../encoded-message.js';
import { parseChannelArgs } from '../parse-channel-args.js';
import { foreignReceipt, ownReceipts } from '../receipt.js';
import { checkNamespace, checkStateChanges, checkStateSelection, keepNewest, overflowFailure } from '../state-change.js';
import { redisLease } from '../redis/redis-lease.js';
import { sleepUnlessAborted } from '../until-aborted.js';
import { BlockingConnections } from '../redis/blocking-connections.js';
import { ChannelConnection, describeEndpoint, redisTlsOptions, type RedisClient } from '../redis/redis-connection.js';
import { backoffDelayMs } from '../../retry/backoff.js';
import {
  REDIS_STREAMS_CHANNEL_DEFAULT_ARGS,
  redisStreamsChannelArgsSchema,
  type RedisStreamsChannelArgs,
} from './redis-streams-channel-args.js';
import { RedisStreamReceipt } from './redis-stream-receipt.js';
import { ShardReads } from './shard-reads.js';
import { StreamAppender } from './stream-appender.js';
import { StreamShard, type ShardReport } from './stream-shard.js';
import { shardCountKey, streamKeys, streamShardKeys } from './stream-shard-keys.js';
import type { WireDialect } from '../../metrics/wire-dialect.js';

/** A consumer name unique to this process and channel: host, pid and a random part. */
function uniqueConsumerName(): string {
  return `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
}

/** The consumers of every shard, by name: what each holds in all, and its shortest idle time. */
function mergeConsumers(reports: readonly ShardReport[]): ConsumerStatus[] {
  const byName = new Map<string, ConsumerStatus>();
  for (const consumer of reports.flatMap((report) => report.consumers)) {
    const seen = byName.get(consumer.name);
    byName.set(
      consumer.name,
      seen ? { name: consumer.name, pending: seen.pending + consumer.pending, idleMs: Math.min(seen.idleMs, consumer.idleMs) } : consumer,
    );
  }
  return [...byName.values()];
}

/**
 * A channel over Redis streams with a consumer group, for fleets of Node apps and agents
 * (Python Kadabra cannot read it: it shares only the list channel). Apps append each
 * message as one entry (a batch in one step, once only: see `StreamAppender`); agents read
 * as consumers of one group (XREADGROUP), so an entry is delivered to one agent and stays
 * pending for it, by the server's clock, until completed by id (XACK + XDEL, O(1) each).
 * A stream is never trimmed: an entry leaves it only when completed or dead-lettered.
 *
 * With `shards` N > 1 the messages are spread over N streams (`streamShardKeys`), each
 * in a Redis Cluster slot of its own with its dead letters and publisher state: apps
 * send each batch to the next shard, agents read every shard. The count is recorded in
 * Redis on first use; a process configured with another refuses to work with it. With
 * `cluster_nodes` the channel connects to a Redis Cluster.
 *
 * The entry id with the shard's stream key is the message's identity (the receipt's `id`
 * and `shard`): a republish carries the same, two messages never share it.
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
  private readonly logger: KadabraLogger;
  private readonly commands: ChannelConnection<RedisClient>;
  /** The connections of blocking reads, one per read waiting. */
  private readonly blocking: BlockingConnections;
  private readonly closed = new AbortController();
  private readonly shards: readonly StreamShard[];
  private readonly byStream: ReadonlyMap<string, StreamShard>;
  private readonly appender: StreamAppender;
  /** The blocking receive over every shard; undefined with one shard, which reads its stream alone. */
  private readonly reads: ShardReads | undefined;
  private countChecked: Promise<void> | undefined;
  private nextShard = 0;

  /**
   * @param args overrides of `DEFAULT_ARGS` (`host`, `port`, `stream_key`, `shards`, `cluster_nodes`, ...).
   * @param logger logger for connection problems (default: a new pino logger).
   */
  constructor(args: Partial<RedisStreamsChannelArgs> = {}, logger?: KadabraLogger) {
    this.args = parseChannelArgs('RedisStreamsChannel', redisStreamsChannelArgsSchema, REDIS_STREAMS_CHANNEL_DEFAULT_ARGS, args);
    // Reads the TLS files now, so a wrong path fails construction rather than every connect.
    redisTlsOptions(this.args);
    this.logger = logger ?? createLogger().child({ name: this.args.logger });
    this.consumer = this.args.consumer ?? uniqueConsumerName();
    this.commands = new ChannelConnection<RedisClient>(this.args, this.logger);
    this.blocking = new BlockingConnections(this.args, this.logger);
    const keys = streamShardKeys(this.args.stream_key, this.args.shards).map(streamKeys);
    const connection = (): Promise<RedisClient> => this.checked();
    this.shards = keys.map((shardKeys) => new StreamShard({
      keys: shardKeys,
      group: this.args.group,
      consumer: this.consumer,
      deadMaxLength: this.args.dead_max_length,
      logger: this.logger,
      connection,
      blocking: this.blocking,
    }));
    this.byStream = new Map(this.shards.map((shard) => [shard.keys.stream, shard]));
    this.appender = new StreamAppender({
      shards: keys, connection, waitReplicas: this.args.wait_replicas, waitTimeoutMs: this.args.wait_timeout_ms,
    });
    this.reads = this.shards.length > 1 ? new ShardReads(this.shards, this.closed.signal) : undefined;
  }

  /** `redis-streams`, and where it connects (without credentials). */
  describe(): ChannelDescription {
    return { type: 'redis-streams', endpoint: describeEndpoint(this.args) };
  }

  /** The command connection, once the shard count recorded in Redis is this channel's (recorded on first use). */
  private async checked(): Promise<RedisClient> {
    const connection = await this.commands.ready();
    this.countChecked ??= this.checkShardCount(connection, true).catch((error: unknown) => {
      this.countChecked = undefined;
      throw error;
    });
    await this.countChecked;
    return connection;
  }

  /**
   * Compares the shard count recorded in Redis with `shards` (recording it when none is
   * and `record`).
   * @throws ConfigurationError naming both counts.
   */
  private async checkShardCount(connection: RedisClient, record: boolean): Promise<void> {
    const { stream_key: streamKey, shards } = this.args;
    const countKey = shardCountKey(streamKey);
    const recorded = await connection.kadabraStreamShardCount(countKey, streamKey, shards, record ? '1' : '0');
    if (recorded === 0 || recorded === shards) return;
    const error = new ConfigurationError(
      'CHANNEL_ARGS.shards',
      `the stream ${streamKey} has ${recorded} shard${recorded === 1 ? '' : 's'} (recorded in ${countKey}), but this process ` +
        `is configured with shards: ${shards}: set shards to ${recorded} in CLIENT_CHANNEL_ARGS / AGENT_CHANNEL_ARGS ` +
        '(with another count, messages in the shards it does not use would be stranded)',
    );
    this.logger.error({ recorded, configured: shards, key: countKey }, error.message);
    throw error;
  }

  /**
   * Checks the shard count (recording it on first use), waiting while the server is not
   * reachable, until `close()`.
   * @throws ConfigurationError when Redis records another count than `shards`.
   */
  async prepare(): Promise<void> {
    for (let attempt = 1; !this.closed.signal.aborted; attempt += 1) {
      try {
        await this.checked();
        return;
      } catch (error) {
        if (error instanceof ConfigurationError) throw error;
        await sleepUnlessAborted(backoffDelayMs(attempt, { initialMs: 50, maxMs: 2000 }), this.closed.signal);
      }
    }
  }

  /** Encodes and appends one message. */
  async send(metrics: Metrics): Promise<void> {
    await this.sendEncoded([encodeMetrics(metrics, this.dialect)]);
  }

  /**
   * Appends encoded messages in order (the first given is received first), all in one
   * step and one round trip, to one shard (the next batch goes to the next shard), once
   * only even when sent again after a failure (see `StreamAppender`). With
   * `wait_replicas`, resolves only once `WAIT` confirms that many replicas have them.
   */
  async sendEncoded(messages: readonly EncodedMessage[]): Promise<void> {
    if (messages.length === 0) return;
    await this.appender.send(messages);
  }

  /**
   * Waits (up to `timeoutSeconds`, default 10) for an entry on any shard, with blocking
   * `XREADGROUP`s on connections of their own (blocking at most 5 s at a time, well within
   * the command timeout; with several shards, one per shard at once, see `ShardReads`).
   * An entry over `maxMessageBytes`, one not written by a Kadabra client and an
   * undecodable one are dead-lettered without being decoded, and the wait goes on.
   * Aborting `signal` or closing the channel ends the wait at once with `null`.
   */
  async receive(options: ReceiveOptions = {}): Promise<ReceivedMessage | null> {
    const signal = options.signal ? AbortSignal.any([options.signal, this.closed.signal]) : this.closed.signal;
    if (!this.reads) return (this.shards[0] as StreamShard).receive(options, signal);
    const message = await this.reads.receive(options, signal);
    // A receiver adds the entries waiting to the message it received (receiveBatch right
    // after): from the same shard, they are published and completed with it in one step.
    if (message) this.nextShard = Math.max(0, this.shards.findIndex((shard) => shard.keys.stream === message.receipt.shard));
    return message;
  }

  /**
   * Delivers up to `maxBatchSize` waiting entries of one shard to this consumer, within
   * `limits.maxBatchBytes` (see `StreamShard.receiveBatch`): the first shard, in turn from
   * the one after the last call's (or from that of the message `receive` returned last),
   * that has any. A batch never spans shards, so a
   * publisher's state change completes with it in one step.
   */
  async receiveBatch(maxBatchSize: number, limits: ReceiveLimits = {}): Promise<ReceivedMessage[]> {
    if (maxBatchSize <= 0) return [];
    for (const shard of this.inTurn()) {
      const batch = await shard.receiveBatch(maxBatchSize, limits);
      if (batch.length > 0) return batch;
    }
    return [];
  }

  /** The shards, from the one after the last call's first. */
  private inTurn(): StreamShard[] {
    const start = this.nextShard;
    this.nextShard = (start + 1) % this.shards.length;
    return [...this.shards.slice(start), ...this.shards.slice(0, start)];
  }

  /** These receipts, checked to be this channel's: issued by a `RedisStreamsChannel` on one of its shards. */
  private own(receipts: readonly Receipt[]): { receipt: RedisStreamReceipt; shard: StreamShard }[] {
    return ownReceipts('RedisStreamsChannel', RedisStreamReceipt, receipts).map((receipt) => {
      const shard = this.byStream.get(receipt.shard);
      if (!shard) throw foreignReceipt(`RedisStreamsChannel on stream ${this.args.stream_key}`, receipt);
      return { receipt, shard };
    });
  }

  /**
   * Acknowledges and deletes the entries (XACK + XDEL), shard by shard. Without a state
   * change, in script calls of up to 10,000 entries, skipping those no longer pending;
   * with one, in a single call, all or nothing, with the HINCRBYs of the change on the
   * shard's `<stream>:state:<namespace>`: the receipts must then all be of one shard (a
   * cluster has no atomic step across slots; the agent completes a batch shard by shard).
   */
  async complete(receipts: readonly Receipt[], options: CompleteOptions = {}): Promise<void> {
    const own = this.own(receipts);
    const changes = checkStateChanges(options.stateChange);
    if (own.length === 0) return;
    const byShard = new Map<StreamShard, string[]>();
    for (const { receipt, shard } of own) {
      const ids = byShard.get(shard);
      if (ids) ids.push(receipt.id);
      else byShard.set(shard, [receipt.id]);
    }
    if (changes && byShard.size > 1) {
      throw new InvalidArgumentError(
        `a completion with a state change takes the receipts of one shard; these are of ${byShard.size} ` +
          `(${[...byShard.keys()].map((shard) => shard.keys.stream).join(', ')}): complete each shard's receipts with its own change`,
      );
    }
    for (const [shard, ids] of byShard) {
      try {
        await shard.complete(ids, changes);
      } catch (error) {
        throw changes ? overflowFailure(error, changes) : error;
      }
    }
  }

  /**
   * The totals of a publisher's state (all, or those `select` picks), summed over the
   * shards (each keeps its own, `<stream>:state:<namespace>`), exact as bigints.
   */
  async readState(namespace: string, select?: StateSelection): Promise<Map<string, bigint>> {
    checkNamespace(namespace);
    checkStateSelection(select);
    const sums = new Map<string, bigint>();
    for (const totals of await Promise.all(this.shards.map((shard) => shard.readState(namespace, select)))) {
      for (const [name, value] of totals) sums.set(name, (sums.get(name) ?? 0n) + value);
    }
    return sums;
  }

  /**
   * The values set if newer of a publisher's state, the newest over the shards (each keeps
   * its own, `<stream>:state:<namespace>:latest`; the rule is a total order, so the newest
   * of the shards' newest is the newest of all).
   */
  async readLatest(namespace: string): Promise<Map<string, LatestValue>> {
    checkNamespace(namespace);
    const newest = new Map<string, LatestValue>();
    for (const values of await Promise.all(this.shards.map((shard) => shard.readLatest(namespace)))) {
      for (const [name, latest] of values) keepNewest(newest, name, latest);
    }
    return newest;
  }

  /**
   * The lease `name` in the key `<stream_key>:lease:<name>`, under the hash tag of
   * `stream_key` itself (the script `lease-1.lua`; its time is the server's).
   */
  async lease(name: string, owner: string, ttlMs: number): Promise<boolean> {
    return redisLease(() => this.checked(), `${this.args.stream_key}:lease:`, name, owner, ttlMs);
  }

  /**
   * Up to `limit` entries pending in the group on any shard (delivered to any consumer,
   * not completed), the longest in progress first, each with how long since it was last
   * delivered by its server's clock, within `limits.maxBatchBytes`. Nothing is claimed.
   * Those over `limits.maxMessageBytes` are dead-lettered by the server, unread.
   */
  async inProgress(limit: number, limits: ReceiveLimits = {}): Promise<InProgressMessage[]> {
    const listed = await Promise.all(this.shards.map((shard) => shard.inProgress(limit, limits)));
    if (listed.length === 1) return listed[0] as InProgressMessage[];
    const oldestFirst = listed.flat().sort((a, b) => a.enteredAt - b.enteredAt);
    const budget = limits.maxBatchBytes ?? 0;
    const items: InProgressMessage[] = [];
    let bytes = 0;
    for (const item of oldestFirst) {
      if (items.length >= limit || (items.length > 0 && budget > 0 && bytes + item.receipt.bytes > budget)) break;
      items.push(item);
      bytes += item.receipt.bytes;
    }
    return items;
  }

  /**
   * Claims for this consumer the entries pending longer than `thresholdMs` on each shard in
   * turn (see `StreamShard.claimStuck`), up to `limit` in all, moving on to the next shard
   * while the byte budget is not spent (each shard's claim holds at least one entry). Then
   * removes the consumers of agents that are gone: those holding nothing and idle longer
   * than the threshold, checked and removed in one step.
   */
  async claimStuck(options: ClaimOptions): Promise<InProgressMessage[]> {
    const claimed: InProgressMessage[] = [];
    let bytes = 0;
    const budget = options.maxBatchBytes ?? 0;
    for (const shard of this.inTurn()) {
      const limit = options.limit - claimed.length;
      if (limit <= 0 || (budget > 0 && bytes >= budget)) break;
      const more = await shard.claimStuck({ ...options, limit, ...(budget > 0 ? { maxBatchBytes: budget - bytes } : {}) });
      for (const item of more) bytes += item.receipt.bytes;
      claimed.push(...more);
    }
    await this.removeGoneConsumers(options.thresholdMs);
    return claimed;
  }

  /**
   * Removes the group's consumers, on every shard, that hold nothing and have been idle
   * longer than `idleMs` (never this one), each checked and removed in one step.
   * @returns their names.
   */
  async removeGoneConsumers(idleMs: number): Promise<string[]> {
    const removed = [...new Set((await Promise.all(this.shards.map((shard) => shard.removeGoneConsumers(idleMs)))).flat())];
    if (removed.length > 0) this.logger.info({ consumers: removed }, 'removed consumers that held nothing and were idle (agents gone)');
    return removed;
  }

  /** Moves a pending entry to its shard's dead-letter list with `reason` (acknowledged and deleted from the stream). */
  async deadLetter(receipt: Receipt, reason: string): Promise<void> {
    const [own] = this.own([receipt]);
    if (own) await own.shard.deadLetter(own.receipt, reason);
  }

  /**
   * Entries waiting (not yet delivered: the groups' lag), pending (delivered, not
   * completed) and the age of the longest pending by its server's clock, dead letters, and
   * each consumer with what it holds, over every shard; with several shards or a cluster,
   * each shard's own (its node, lag, pending, oldest). Creates nothing: a stream or group
   * that does not exist yet shows as empty.
   * @throws ConfigurationError when Redis records another shard count than `shards`.
   */
  async status(): Promise<ChannelStatus> {
    const connection = await this.commands.ready();
    await this.checkShardCount(connection, false);
    const reports = await Promise.all(this.shards.map(async (shard) => shard.status(connection, await this.nodeOf(connection, shard))));
    const oldest = reports.reduce<ShardReport | undefined>(
      (found, report) => (report.oldestInProgressMs !== undefined && (found === undefined || report.oldestInProgressMs > (found.oldestInProgressMs ?? 0)) ? report : found),
      undefined,
    );
    const sharded = this.shards.length > 1 || this.args.cluster_nodes !== undefined;
    return {
      queued: reports.reduce((sum, report) => sum + report.queued, 0),
      inProgress: reports.reduce((sum, report) => sum + report.inProgress, 0),
      oldestInProgressAt: oldest?.oldestAt,
      oldestInProgressMs: oldest?.oldestInProgressMs,
      deadLetters: reports.reduce((sum, report) => sum + report.deadLetters, 0),
      deadLetterAlarmThreshold: this.args.dead_max_length,
      consumers: mergeConsumers(reports),
      ...(sharded
        ? {
            shards: reports.map(({ stream, node, queued, inProgress, oldestInProgressMs }) => ({ stream, node, queued, inProgress, oldestInProgressMs })),
          }
        : {}),
    };
  }

  /** The node that holds `shard`: on a cluster, the master of its slot (`host:port`); else the server. */
  private async nodeOf(connection: RedisClient, shard: StreamShard): Promise<string> {
    if (this.args.cluster_nodes === undefined) return describeEndpoint(this.args);
    const cluster = connection as Cluster;
    const slot = Number(await cluster.cluster('KEYSLOT', shard.keys.stream));
    return cluster.slots[slot]?.[0] ?? 'unknown';
  }

  /** Up to `limit` dead letters of every shard, newest first. */
  async deadLetters(limit: number): Promise<DeadLetter[]> {
    const listed = await Promise.all(this.shards.map((shard) => shard.deadLetters(limit)));
    if (listed.length === 1) return listed[0] as DeadLetter[];
    return listed.flat().sort((a, b) => Date.parse(b.time) - Date.parse(a.time)).slice(0, Math.max(limit, 1));
  }

  /**
   * Appends up to `limit` dead letters (oldest first, shard by shard; only those whose
   * reason contains `filter.reason`, when given) to their shard's stream again as new
   * entries, exactly as received. Each one moves in one script, so requeues running at
   * once never append one twice.
   */
  async requeueDeadLetters(limit: number, filter: DeadLetterFilter = {}): Promise<number> {
    let requeued = 0;
    for (const shard of this.shards) {
      if (requeued >= limit) break;
      requeued += await shard.requeueDeadLetters(limit - requeued, filter);
    }
    return requeued;
  }

  /** Deletes every dead letter of every shard; returns how many there were. */
  async purgeDeadLetters(): Promise<number> {
    const counts = await Promise.all(this.shards.map((shard) => shard.purgeDeadLetters()));
    return counts.reduce((sum, count) => sum + count, 0);
  }

  /** Closes the connections, ending a pending receive at once with `null`; idempotent and bounded (see `ChannelConnection`). */
  close(): Promise<void> {
    this.closed.abort();
    this.blocking.close();
    return this.commands.close();
  }
}
