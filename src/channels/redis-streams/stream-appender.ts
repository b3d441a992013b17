import { createHash, randomBytes } from 'node:crypto';
import { Cluster, type ChainableCommander, type Command } from 'ioredis';
import { KadabraError } from '../../errors/kadabra-error.js';
import type { EncodedMessage } from '../encoded-message.js';
import { BulkCommands } from '../redis/bulk-commands.js';
import type { RedisClient } from '../redis/redis-connection.js';
import { readScript } from '../redis/redis-scripts.js';
import type { StreamKeys } from './stream-shard-keys.js';

/** How long a stream keeps a producer's last batch number after its last batch: a resend within it is recognised. */
const SENT_RECORD_SECONDS = 7 * 24 * 3600;

/**
 * `WAIT` answered that fewer replicas than `wait_replicas` have a batch: it is not counted
 * as delivered, and is sent again (appended once only, see `StreamAppender`).
 */
export class ReplicasNotConfirmedError extends KadabraError {
  constructor(stream: string, wanted: number, confirmed: number, timeoutMs: number) {
    super(
      'KADABRA_REPLICAS_NOT_CONFIRMED',
      `a batch appended to ${stream} reached ${confirmed} of the ${wanted} replicas wait_replicas asks for within ` +
        `wait_timeout_ms (${timeoutMs} ms); it is not counted as delivered and is sent again (appended once only). ` +
        'Check the replicas of that node, or lower wait_replicas',
    );
  }
}

/** The append script, and its SHA-1 digest: what `EVALSHA` names it by once the server has it. */
const APPEND_SCRIPT = readScript('stream-append-2.lua');
const APPEND_SHA = createHash('sha1').update(APPEND_SCRIPT).digest('hex');

/** The server does not have the script (never loaded there, or lost with a restart or `SCRIPT FLUSH`): nothing ran. */
function isNoScript(error: unknown): boolean {
  return error instanceof Error && error.message.startsWith('NOSCRIPT');
}

/** A batch as appended: the shard it goes to, its number, its messages. */
interface Batch {
  readonly shard: number;
  readonly number: number;
  readonly messages: readonly EncodedMessage[];
}

/** What the appender needs of the channel. */
export interface AppenderParts {
  /** The keys of each shard. */
  readonly shards: readonly StreamKeys[];
  /** The command connection. */
  readonly connection: () => Promise<RedisClient>;
  /** `wait_replicas` and `wait_timeout_ms`. */
  readonly waitReplicas: number;
  readonly waitTimeoutMs: number;
}

/**
 * How `length` messages, the tail of `sent`, start `next`: the longest tail of `sent` that
 * `next` begins with (the same objects, in the same order), 0 for none.
 */
function resentPrefix(sent: readonly EncodedMessage[], next: readonly EncodedMessage[]): number {
  for (let length = Math.min(sent.length, next.length); length > 0; length -= 1) {
    const offset = sent.length - length;
    let same = true;
    for (let i = 0; i < length && same; i += 1) same = sent[offset + i] === next[i];
    if (same) return length;
  }
  return 0;
}

/**
 * The producer side of the Redis Streams channel: spreads batches over the shards (each
 * batch whole to one shard, the next batch to the next shard), and appends each once
 * only, whatever fails in between.
 *
 * Each batch gets a number from this producer (a random id per channel instance) and is
 * appended by stream-append-2.lua, which records the number beside the stream and skips a
 * batch already recorded. A batch whose append was not confirmed (the answer was lost
 * with a connection or a failing-over node, or `WAIT` confirmed too few replicas) stays
 * this producer's unconfirmed batch and is sent again, same shard, same number, before
 * anything else: so a resend never appends it twice, and after a failover that lost it, it
 * is appended again. Those of its messages the caller passes again (a send buffer puts a
 * failed batch back in front) are not sent a second time. Appends run one at a time.
 */
export class StreamAppender {
  private readonly producer = randomBytes(8).toString('hex');
  private readonly bySha = new BulkCommands('evalsha');
  private readonly withScript = new BulkCommands('eval');
  private batches = 0;
  private nextShard: number;
  private unconfirmed: Batch | undefined;
  private tail: Promise<unknown> = Promise.resolve();

  constructor(private readonly parts: AppenderParts) {
    // Producers started together do not all begin on the first shard.
    this.nextShard = randomBytes(2).readUInt16BE() % parts.shards.length;
  }

  /** Appends `messages` in order, to one shard, after any batch not yet confirmed. */
  send(messages: readonly EncodedMessage[]): Promise<void> {
    const run = this.tail.then(() => this.sendNow(messages));
    this.tail = run.catch(() => undefined);
    return run;
  }

  private async sendNow(messages: readonly EncodedMessage[]): Promise<void> {
    let rest = messages;
    const pending = this.unconfirmed;
    if (pending) {
      await this.append(pending);
      this.unconfirmed = undefined;
      rest = rest.slice(resentPrefix(pending.messages, rest));
    }
    if (rest.length === 0) return;
    const shard = this.nextShard;
    this.nextShard = (shard + 1) % this.parts.shards.length;
    this.batches += 1;
    const batch: Batch = { shard, number: this.batches, messages: rest };
    this.unconfirmed = batch;
    await this.append(batch);
    this.unconfirmed = undefined;
  }

  /**
   * One append of `batch`: by the script's digest (`EVALSHA`), as ioredis runs the other
   * scripts, so the script's text is not sent with every batch. A server without the
   * script (restarted, flushed, a node new after a failover) answers NOSCRIPT and runs
   * nothing: the batch is then sent again with the text (`EVAL`), which also loads it there.
   */
  private async append(batch: Batch): Promise<void> {
    try {
      await this.appendWith('EVALSHA', batch);
    } catch (error) {
      if (!isNoScript(error)) throw error;
      await this.appendWith('EVAL', batch);
    }
  }

  /** `batch` appended by `EVALSHA <digest>` or `EVAL <script>` (and, with `wait_replicas`, the `WAIT` on the same node right after it). */
  private async appendWith(verb: 'EVALSHA' | 'EVAL', batch: Batch): Promise<void> {
    const keys = this.parts.shards[batch.shard] as StreamKeys;
    const connection = await this.parts.connection();
    const [bulk, script] = verb === 'EVALSHA' ? [this.bySha, APPEND_SHA] : [this.withScript, APPEND_SCRIPT];
    const command = bulk.createWith(
      [verb, script, '2', keys.stream, `${keys.sentPrefix}${this.producer}`, String(batch.number), String(SENT_RECORD_SECONDS)],
      batch.messages,
    );
    const { waitReplicas, waitTimeoutMs } = this.parts;
    if (waitReplicas === 0) {
      await connection.sendCommand(command);
      bulk.acknowledged(command);
      return;
    }
    // One pipeline: a cluster client sends it whole to the node of the stream's slot, so
    // WAIT counts the replicas of the node that took the append.
    // ioredis' Pipeline takes a built command (its typings show only the chainable commands).
    const pipeline = connection.pipeline() as ChainableCommander & { sendCommand(command: Command): unknown };
    pipeline.sendCommand(command);
    pipeline.call('WAIT', waitReplicas, waitTimeoutMs);
    let answers;
    try {
      answers = (await pipeline.exec()) ?? [];
    } catch (error) {
      // A cluster client reads the topology again when a single command meets a lost node,
      // not when a pipeline does: without this, it would keep sending to a failed master.
      if (connection instanceof Cluster) connection.refreshSlotsCache();
      throw error;
    }
    const [appended, waited] = answers;
    if (appended?.[0] || waited?.[0]) {
      const error = appended?.[0] ?? waited?.[0];
      if (connection instanceof Cluster && !isNoScript(error)) connection.refreshSlotsCache();
      throw error;
    }
    bulk.acknowledged(command);
    const confirmed = Number(waited?.[1]);
    if (!(confirmed >= waitReplicas)) throw new ReplicasNotConfirmedError(keys.stream, waitReplicas, confirmed, waitTimeoutMs);
  }
}
