import type { KadabraLogger } from '../../logging/logger.js';
import { secondsToMilliseconds } from '../../config/duration-seconds.js';
import {
  DEFAULT_RECEIVE_TIMEOUT_SECONDS,
  type ClaimOptions,
  type ConsumerStatus,
  type DeadLetter,
  type DeadLetterFilter,
  type InProgressMessage,
  type LatestValue,
  type ReceivedMessage,
  type ReceiveLimits,
  type ReceiveOptions,
  type ShardStatus,
  type StateChange,
  type StateSelection,
} from '../channel.js';
import { decodeOrReason } from '../decode-or-reason.js';
import { reportDeadLetter } from '../report-dead-letter.js';
import { stateChangeArgs, stateChangeKeys } from '../state-change.js';
import { readLatestHash, readStateHash } from '../redis/state-hash.js';
import { untilAborted } from '../until-aborted.js';
import type { BlockingConnections } from '../redis/blocking-connections.js';
import { DeadLetterList } from '../redis/dead-letter-list.js';
import { COMMAND_TIMEOUT_MS, type RedisClient } from '../redis/redis-connection.js';
import { RedisStreamReceipt } from './redis-stream-receipt.js';
import type { StreamKeys } from './stream-shard-keys.js';

/**
 * Longest `BLOCK` of one blocking read: a longer receive blocks again, so that every read
 * is answered well within the command timeout, which fails one whose server stopped answering.
 */
export const BLOCK_SLICE_MS = COMMAND_TIMEOUT_MS / 2;

/** Entry ids per complete script call without a state change: bounds how long one call holds Redis. */
const COMPLETE_CHUNK = 10_000;

/**
 * Whether Redis refused a command for a missing stream or consumer group (`UNBLOCKED`: the
 * stream was deleted while a read blocked on it).
 */
function isNoGroup(error: unknown): boolean {
  return error instanceof Error && (error.message.includes('NOGROUP') || error.message.startsWith('UNBLOCKED'));
}

/** An entry of an `XREADGROUP` reply (as buffers): its id, and its fields, names and values in turn. */
export type StreamEntry = [id: Buffer, fields: Buffer[]];

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

/** An in-progress entry as the in-progress and claim scripts return it, before decoding. */
interface PendingItem {
  readonly raw: Buffer;
  readonly receipt: RedisStreamReceipt;
  readonly enteredAt: number;
  readonly inProgressMs: number;
}

/** `[id, message, idle ms, ...]` as returned by the in-progress and claim scripts. */
function inProgressItems(flat: readonly (Buffer | number)[], nowMs: number, stream: string): PendingItem[] {
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

/** What a shard works with: the channel's connections, group, consumer name and logger. */
export interface StreamShardParts {
  readonly keys: StreamKeys;
  readonly group: string;
  readonly consumer: string;
  readonly deadMaxLength: number;
  readonly logger: KadabraLogger;
  /** The command connection, once ready and the shard count checked. */
  readonly connection: () => Promise<RedisClient>;
  readonly blocking: BlockingConnections;
}

/** One shard's status, and the consumers of its group. */
export interface ShardReport extends ShardStatus {
  readonly deadLetters: number;
  readonly oldestAt: number | undefined;
  readonly consumers: ConsumerStatus[];
}

/**
 * One stream of a Redis Streams channel (one shard), with its consumer group, dead letters
 * and publisher state, every key under the stream's hash tag: what the channel does on one
 * shard. The entry id with the stream key is the message's identity (the receipt's `id`
 * and `shard`).
 */
export class StreamShard {
  readonly keys: StreamKeys;
  private readonly dead: DeadLetterList;
  private groupCreated: Promise<void> | undefined;

  constructor(private readonly parts: StreamShardParts) {
    this.keys = parts.keys;
    this.dead = new DeadLetterList(parts.keys.dead);
  }

  private ready(): Promise<RedisClient> {
    return this.parts.connection();
  }

  /**
   * The connection, once the consumer group exists: created (reading from the start of
   * the stream, which it creates if missing) on first use; one that exists is kept.
   */
  private async withGroup(): Promise<RedisClient> {
    const connection = await this.ready();
    this.groupCreated ??= connection.xgroup('CREATE', this.keys.stream, this.parts.group, '0', 'MKSTREAM').then(
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
  private async onGroup<T>(command: (connection: RedisClient) => Promise<T>): Promise<T> {
    try {
      return await command(await this.withGroup());
    } catch (error) {
      if (!isNoGroup(error)) throw error;
      this.groupCreated = undefined;
      return command(await this.withGroup());
    }
  }

  /**
   * Waits (up to `timeoutSeconds`, default 10) for an entry, with a blocking
   * `XREADGROUP ... COUNT 1 BLOCK` on a connection of its own (blocking at most 5 s at a
   * time, well within the command timeout). An entry over `maxMessageBytes`, one not
   * written by a Kadabra client and an undecodable one are dead-lettered without being
   * decoded, and the wait goes on. Aborting `signal` ends the wait at once with `null`:
   * the read's connection is dropped, which ends the server's wait too (an entry
   * delivered in that instant stays pending for this consumer, for a nanny to claim once idle).
   */
  async receive(options: ReceiveOptions, signal: AbortSignal): Promise<ReceivedMessage | null> {
    const deadline = Date.now() + secondsToMilliseconds(options.timeoutSeconds ?? DEFAULT_RECEIVE_TIMEOUT_SECONDS);
    for (let first = true; !signal.aborted; first = false) {
      const remaining = deadline - Date.now();
      if (!first && remaining < 1) return null;
      // BLOCK 0 would wait for ever: a receive whose time is up still reads once, for 1 ms.
      const block = Math.ceil(Math.min(Math.max(remaining, 1), BLOCK_SLICE_MS));
      const entries = await this.readBlocking(1, block, signal);
      if (entries === undefined) return null;
      const [message] = await this.accept(entries, options.maxMessageBytes ?? 0);
      if (message) return message;
    }
    return null;
  }

  /**
   * Up to `count` new entries, waiting up to `blockMs` for one, on a blocking connection of
   * its own; `undefined` at once when `signal` aborts (the connection is dropped).
   */
  async readBlocking(count: number, blockMs: number, signal: AbortSignal): Promise<StreamEntry[] | undefined> {
    // Cut short too while the group is being made, on a server that does not answer.
    const reply = await untilAborted(
      this.onGroup(() => this.parts.blocking.run((connection) => this.blockingRead(connection, count, blockMs), signal)),
      signal,
    );
    return reply === undefined ? undefined : entriesOf(reply);
  }

  /**
   * `XREADGROUP ... COUNT n BLOCK blockMs` for this consumer, sent right after `XGROUP
   * CREATECONSUMER` (no extra round trip): a blocking read creates its consumer only once
   * it is served, so without it an agent waiting on an empty stream would be missing from
   * `XINFO CONSUMERS` (the status's consumers), and its idle time would not restart.
   */
  private blockingRead(connection: RedisClient, count: number, blockMs: number): Promise<unknown> {
    const { stream } = this.keys;
    const { group, consumer } = this.parts;
    // Its failure (a missing group) is the read's too, which reports it.
    connection.xgroup('CREATECONSUMER', stream, group, consumer).catch(() => undefined);
    return connection.callBuffer('XREADGROUP', 'GROUP', group, consumer, 'COUNT', count, 'BLOCK', blockMs, 'STREAMS', stream, '>');
  }

  /**
   * Delivers up to `maxBatchSize` waiting entries to this consumer, within `limits.maxBatchBytes`.
   * When `maxBatchSize` entries of `limits.maxMessageBytes` fit the budget, or there is
   * none, with a plain `XREADGROUP` (the reply is the entries as stored: nothing to copy
   * in between); otherwise with the receive script, which reads once and gives the
   * entries past the budget back in the same step.
   */
  async receiveBatch(maxBatchSize: number, limits: ReceiveLimits): Promise<ReceivedMessage[]> {
    if (maxBatchSize <= 0) return [];
    const { maxMessageBytes = 0, maxBatchBytes = 0 } = limits;
    if (maxBatchBytes > 0 && !(maxMessageBytes > 0 && maxBatchSize * maxMessageBytes <= maxBatchBytes)) {
      return this.take(maxBatchSize, maxMessageBytes, maxBatchBytes);
    }
    const { group, consumer } = this.parts;
    const reply = await this.onGroup((connection) =>
      connection.callBuffer('XREADGROUP', 'GROUP', group, consumer, 'COUNT', maxBatchSize, 'STREAMS', this.keys.stream, '>'));
    return this.accept(entriesOf(reply), maxMessageBytes);
  }

  /**
   * The messages of entries a plain `XREADGROUP` delivered, in order. One over
   * `maxMessageBytes` (0: no limit) or not written by a Kadabra client is dead-lettered
   * undecoded, by the dead-letter script with its own check's reason (the one every
   * receive path gives); an undecodable one is dead-lettered with the decoder's.
   */
  async accept(entries: readonly StreamEntry[], maxMessageBytes: number): Promise<ReceivedMessage[]> {
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
    const length = await connection.kadabraStreamDeadLetter(stream, dead, this.parts.group, id, '', maxMessageBytes);
    if (length > 0) {
      reportDeadLetter(this.parts.logger, {
        reason: `stream entry ${id} dead-lettered undecoded (over AGENT_MESSAGE_MAX_BYTES, or not written by a Kadabra client)`,
        bytes,
        deadLetters: length,
        threshold: this.parts.deadMaxLength,
      });
    }
  }

  /** One receive script call (sizes looked at first, within the budget), then decoding. */
  private async take(max: number, maxMessageBytes: number, maxBatchBytes: number): Promise<ReceivedMessage[]> {
    const { stream, dead } = this.keys;
    const { group, consumer } = this.parts;
    const reply = await this.onGroup((connection) =>
      connection.kadabraStreamReceiveBuffer(stream, dead, group, consumer, max, maxMessageBytes, maxBatchBytes));
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
    reportDeadLetter(this.parts.logger, {
      reason: `${deadLettered} stream entr${deadLettered === 1 ? 'y' : 'ies'} moved to the dead letters by the server, unread ` +
        '(over AGENT_MESSAGE_MAX_BYTES, delivered more than AGENT_MAX_DELIVERIES times, or not written by a Kadabra client)',
      bytes: lastSize,
      deadLetters,
      threshold: this.parts.deadMaxLength,
    });
  }

  /**
   * Acknowledges and deletes the entries (XACK + XDEL). Without state changes, in script
   * calls of up to 10,000 entries, skipping those no longer pending; with them, in a
   * single call, all or nothing, with the HINCRBYs of each change on
   * `<stream>:state:<namespace>` and its values set if newer on `...:latest` (an overflow
   * fails the call with the script's error reply).
   */
  async complete(ids: readonly string[], changes: readonly StateChange[] | undefined): Promise<void> {
    if (ids.length === 0) return;
    const connection = await this.ready();
    const { stream, statePrefix } = this.keys;
    const { group } = this.parts;
    if (changes) {
      const keys = [stream, ...stateChangeKeys(statePrefix, changes)];
      await connection.kadabraStreamComplete(keys.length, ...keys, group, ids.length, changes.length, ...ids, ...stateChangeArgs(changes));
      return;
    }
    for (let i = 0; i < ids.length; i += COMPLETE_CHUNK) {
      const chunk = ids.slice(i, i + COMPLETE_CHUNK);
      await connection.kadabraStreamComplete(1, stream, group, chunk.length, -1, ...chunk);
    }
  }

  /** The totals of a publisher's state on this shard (`<stream>:state:<namespace>`; those `select` picks), exact as bigints. */
  async readState(namespace: string, select?: StateSelection): Promise<Map<string, bigint>> {
    return readStateHash(await this.ready(), `${this.keys.statePrefix}${namespace}`, select);
  }

  /** The values set if newer of a publisher's state on this shard (`<stream>:state:<namespace>:latest`). */
  async readLatest(namespace: string): Promise<Map<string, LatestValue>> {
    return readLatestHash(await this.ready(), this.keys.statePrefix, namespace);
  }

  /**
   * Up to `limit` entries pending in the group (delivered to any consumer, not completed),
   * lowest id first, each with how long since it was last delivered by the server's clock.
   * Nothing is claimed. Those over `limits.maxMessageBytes` are dead-lettered by the server, unread.
   */
  async inProgress(limit: number, limits: ReceiveLimits): Promise<InProgressMessage[]> {
    const { stream, dead } = this.keys;
    const [nowMs, deadLettered, deadLetters, lastSize, ...flat] = await this.onGroup((connection) =>
      connection.kadabraStreamInProgressBuffer(stream, dead, this.parts.group, limit, limits.maxMessageBytes ?? 0, limits.maxBatchBytes ?? 0));
    this.reportUnread(deadLettered, deadLetters, lastSize);
    return this.decodeInProgress(inProgressItems(flat, nowMs, stream));
  }

  /**
   * Claims for this consumer the entries pending longer than `thresholdMs` (XPENDING ...
   * IDLE, then XCLAIM, in one script), lowest id first: no other agent's nanny takes them
   * until they are idle that long again. One already delivered `maxDeliveries` times is
   * dead-lettered with its history (how often, the consumer that last held it, how long
   * it had been idle).
   */
  async claimStuck(options: ClaimOptions): Promise<InProgressMessage[]> {
    const { stream, dead } = this.keys;
    const { thresholdMs, limit, maxDeliveries, maxMessageBytes = 0, maxBatchBytes = 0 } = options;
    const { group, consumer } = this.parts;
    const [nowMs, deadLettered, deadLetters, lastSize, ...flat] = await this.onGroup((connection) =>
      connection.kadabraStreamClaimBuffer(
        stream, dead, group, consumer, Math.floor(thresholdMs) + 1, limit, maxDeliveries, maxMessageBytes, maxBatchBytes,
      ));
    this.reportUnread(deadLettered, deadLetters, lastSize);
    return this.decodeInProgress(inProgressItems(flat, nowMs, stream));
  }

  /**
   * Removes the group's consumers that hold nothing and have been idle longer than
   * `idleMs` (never this one), each checked and removed in one step.
   * @returns their names.
   */
  removeGoneConsumers(idleMs: number): Promise<string[]> {
    return this.onGroup((connection) =>
      connection.kadabraStreamPruneConsumers(this.keys.stream, this.parts.group, this.parts.consumer, Math.floor(idleMs)));
  }

  private async decodeInProgress(items: readonly PendingItem[]): Promise<InProgressMessage[]> {
    const decoded: InProgressMessage[] = [];
    for (const { raw, receipt, enteredAt, inProgressMs } of items) {
      const metrics = decodeOrReason(raw);
      if (typeof metrics === 'string') await this.deadLetter(receipt, metrics);
      else decoded.push({ receipt, metrics, enteredAt, inProgressMs });
    }
    return decoded;
  }

  /** Moves a pending entry to the dead-letter list with `reason` (acknowledged and deleted from the stream). */
  async deadLetter(receipt: RedisStreamReceipt, reason: string): Promise<void> {
    const connection = await this.ready();
    const length = await connection.kadabraStreamDeadLetter(this.keys.stream, this.keys.dead, this.parts.group, receipt.id, reason);
    if (length > 0) reportDeadLetter(this.parts.logger, { reason, bytes: receipt.bytes, deadLetters: length, threshold: this.parts.deadMaxLength });
  }

  /**
   * Entries waiting (not yet delivered: the group's lag), pending (delivered, not
   * completed) and the age of the pending entry with the lowest id by the server's clock,
   * dead letters, and each consumer with what it holds. Creates nothing: a stream or group
   * that does not exist yet shows as empty.
   * @param connection the command connection (the shard count is not checked: a status only looks).
   * @param node the address of the node serving the shard, as the caller found it.
   */
  async status(connection: RedisClient, node: string): Promise<ShardReport> {
    const { stream, dead } = this.keys;
    const { group } = this.parts;
    const [length, deadLetters] = await Promise.all([connection.xlen(stream), connection.llen(dead)]);
    let pending = 0;
    let oldest: { idle: number; nowMs: number } | undefined;
    let consumers: ConsumerStatus[] = [];
    try {
      const [summary, lowest, info, time] = await Promise.all([
        connection.xpending(stream, group),
        connection.xpending(stream, group, '-', '+', 1),
        connection.xinfo('CONSUMERS', stream, group),
        // The clock of the shard's node (a cluster client sends a keyless command anywhere: not this one).
        connection.eval("local t = redis.call('TIME') return {t[1], t[2]}", 1, stream) as Promise<[string, string]>,
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
      stream,
      node,
      queued: Math.max(0, length - pending),
      inProgress: pending,
      oldestInProgressMs: oldest?.idle,
      oldestAt: oldest && oldest.nowMs - oldest.idle,
      deadLetters,
      consumers,
    };
  }

  /** Up to `limit` dead letters, newest first. */
  async deadLetters(limit: number): Promise<DeadLetter[]> {
    return this.dead.list(await this.ready(), limit);
  }

  /**
   * Appends up to `limit` dead letters (oldest first; only those whose reason contains
   * `filter.reason`, when given) to this shard's stream again as new entries, exactly as
   * received. Each one moves in one script, so requeues running at once never append one twice.
   */
  async requeueDeadLetters(limit: number, filter: DeadLetterFilter): Promise<number> {
    const connection = await this.ready();
    const { dead, stream } = this.keys;
    return this.dead.requeue(connection, limit, filter, (record, message) =>
      connection.kadabraStreamRequeueDeadLetter(dead, stream, record, message));
  }

  /** Deletes every dead letter of this shard; returns how many there were. */
  async purgeDeadLetters(): Promise<number> {
    return this.dead.purge(await this.ready());
  }
}
