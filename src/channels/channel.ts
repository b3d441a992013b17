import type { Metrics } from '../metrics/metrics.js';
import type { EncodedMessage } from './encoded-message.js';
import type { WireDialect } from '../metrics/wire-dialect.js';

export type { EncodedMessage } from './encoded-message.js';

/**
 * Where a received message sits in its channel: opaque to the agent, meaningful only to
 * the channel that issued it. The agent hands it back to `complete` or `deadLetter`
 * unchanged; a channel refuses a receipt another channel (type) issued.
 */
export interface Receipt {
  /**
   * The message's identity in its channel, stable across receives and republishes: the
   * Redis list channel: the hex SHA-1 of its exact bytes (identical bytes in flight twice
   * share it: either copy may be the one removed); SQLite: its row id; Redis Streams:
   * its entry id (the stream key is the `shard`).
   */
  readonly id: string;
  /** The shard (e.g. a stream key) that holds it; `''` for an unsharded channel. `(id, shard)` names a message. */
  readonly shard: string;
  /** Size of the message in bytes. */
  readonly bytes: number;
}

/** A message taken from a channel: what it decodes to, and the receipt that settles it. */
export interface ReceivedMessage {
  /** Hand this to `complete` or `deadLetter`. */
  readonly receipt: Receipt;
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
  /**
   * A channel whose agents read as named consumers (Redis Streams): each consumer and what
   * it holds; undefined for the others.
   */
  readonly consumers?: readonly ConsumerStatus[];
  /** A channel spread over several shards (Redis Streams with `shards` > 1): each shard's own figures; undefined for the others. */
  readonly shards?: readonly ShardStatus[];
}

/** One shard of a sharded channel (`ChannelStatus.shards`). */
export interface ShardStatus {
  /** The shard's stream key. */
  readonly stream: string;
  /** The server that holds it (`host:port`; on a cluster, the master of its slot). */
  readonly node: string;
  /** Messages not yet delivered to any agent (the group's lag). */
  readonly queued: number;
  /** Messages delivered and not yet completed. */
  readonly inProgress: number;
  /** How long the oldest of them has been in progress, in ms by the node's clock, if any. */
  readonly oldestInProgressMs: number | undefined;
}

/** One consumer of a channel read by named consumers, and what it holds (`ChannelStatus.consumers`). */
export interface ConsumerStatus {
  readonly name: string;
  /** Messages delivered to it and not yet completed. */
  readonly pending: number;
  /** Milliseconds since it last read, by the channel's clock. */
  readonly idleMs: number;
}

/** What `Channel.claimStuck` takes. */
export interface ClaimOptions extends ReceiveLimits {
  /** Claim messages in progress (since their last delivery) longer than this, in ms by the channel's clock. */
  readonly thresholdMs: number;
  /** Most messages examined. */
  readonly limit: number;
  /**
   * A message already delivered this many times is not delivered again: it is
   * dead-lettered with its delivery history (`AGENT_MAX_DELIVERIES`).
   */
  readonly maxDeliveries: number;
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
   * its bytes ever being read into this process. Default: no limit. (Redis Streams: a
   * blocking receive, and a batch whose count times this fits its budget, read with a
   * plain `XREADGROUP`, which cannot look at sizes first; such a message is read, at most
   * `COUNT` of them per read, and dead-lettered without being decoded.)
   */
  readonly maxMessageBytes?: number;
  /**
   * A batch stops before the message that would take its bytes over this budget; it
   * always holds at least one message (within `maxMessageBytes`). Default: no limit.
   */
  readonly maxBatchBytes?: number;
}

/** The original's blocking receive timeout, in seconds: every channel's default. */
export const DEFAULT_RECEIVE_TIMEOUT_SECONDS = 10;

/** Options of a blocking receive. */
export interface ReceiveOptions extends Pick<ReceiveLimits, 'maxMessageBytes'> {
  /** Longest wait for a message, in seconds (default `DEFAULT_RECEIVE_TIMEOUT_SECONDS`, 10, as in the original). */
  readonly timeoutSeconds?: number;
  /** Aborting ends the wait at once and resolves `null`, whatever the server does. */
  readonly signal?: AbortSignal;
}

/**
 * A change to a publisher's state kept in the channel, applied by `complete` in the same
 * atomic step as the completion: a publisher that counts (Prometheus totals) counts each
 * message exactly once, whichever agent completes it and however often it is published.
 */
export interface StateChange {
  /** Names the publisher's state in the channel, e.g. `'prometheus'`. Letters, digits, `-`, `_` only (1 to 64 of them). */
  readonly namespace: string;
  /**
   * Integer amounts added to named totals (a total is created at 0). Totals are signed
   * 64-bit integers: a change that would take one outside that range fails the call and
   * applies nothing.
   */
  readonly add: ReadonlyMap<string, bigint>;
  /**
   * Values set if newer (a Prometheus gauge: the value with the latest timestamp wins),
   * by name. Each is kept when the name has no value yet, or its `timestamp` is later
   * than the kept one's, or the same and its `value` greater (`isNewerLatest`): so the
   * value kept is the same whatever order changes are applied in. Applied only with the
   * completion, like `add`. Read back with `readLatest`.
   */
  readonly set?: ReadonlyMap<string, LatestValue>;
}

/** A value set if newer (`StateChange.set`), as kept by the channel. */
export interface LatestValue {
  /** A finite number (`-0` is kept as `0`). */
  readonly value: number;
  /** When it was set, in µs since the epoch (signed 64-bit): the later one wins. */
  readonly timestamp: bigint;
}

/**
 * Which totals of a namespace `Channel.readState` reads: those whose name starts with
 * `prefix`, or those of `names` that exist. A publisher with many totals names them so
 * that what it reads often shares a prefix (the Prometheus publisher reads every series'
 * values at each scrape, their creation claims only while they may still change).
 *
 * A prefix read of a very large namespace may be taken in several steps (Redis `HSCAN`,
 * past a million totals): a completion that lands meanwhile may then show in some of
 * its totals and not yet in others.
 */
export type StateSelection =
  | { readonly prefix: string; readonly names?: undefined }
  | { readonly names: readonly string[]; readonly prefix?: undefined };

/** Options of `complete`. */
export interface CompleteOptions {
  /**
   * Applied together with the completion, all or nothing: see `Channel.complete`. A
   * change to one namespace, or changes to several (each namespace at most once), e.g.
   * totals read at every scrape in one and totals read seldom in another, so that reading
   * the first does not read the second. Without it, each message still in progress is
   * removed and the others are skipped.
   */
  readonly stateChange?: StateChanges;
}

/** One publisher state change, or several to distinct namespaces applied together (`CompleteOptions.stateChange`). */
export type StateChanges = StateChange | readonly StateChange[];

/** What a channel is and where it points, safe to print and log. */
export interface ChannelDescription {
  /** The channel type, as in `CLIENT_CHANNEL_TYPE` / `AGENT_CHANNEL_TYPE`: `'redis'`, `'sqlite'` (`'memory'` in tests). */
  readonly type: string;
  /** Where it stores messages (`redis://host:6379/0`, `sqlite:/var/lib/app/channel.db`), never with a password. */
  readonly endpoint: string;
}

/**
 * A durable queue between apps and agents: apps `send`, agents `receive`, publish, then
 * `complete` (or `deadLetter`). The semantics are Python Kadabra 0.5.0's (a message is
 * moved to in-progress when received and removed when completed, so a crashed agent
 * loses nothing: a nanny republishes what stays in progress too long), extended with
 * entry times, byte limits, dead letters and publisher state.
 *
 * To add a channel: implement this interface (`RedisChannel` and `SqliteChannel` are the
 * examples; the in-memory one under test/support is the smallest), register it in
 * `create-channel.ts` and `channel-types.ts` (docs/channels.md, "Writing another
 * channel", lists every step), and run the conformance suite in
 * test/conformance/channel-conformance.ts against it. What every implementation must
 * guarantee:
 *
 * - **Durable and shared.** What `send`/`sendEncoded` resolved for survives the crash of
 *   any process using the channel, and several processes (apps, agents, CLI commands)
 *   may open the same channel at once: no message is received by two consumers at once,
 *   none is lost between them.
 * - **Order.** Messages are received oldest first, in the order they were sent (a channel
 *   spread over shards, Redis Streams with `shards` > 1, keeps that order within each batch
 *   sent, not between batches that went to different shards).
 * - **In progress until settled.** A receive moves a message to in-progress and records
 *   when, by the channel's own clock (the server's, the file's), never the process's.
 *   It stays there until `complete` or `deadLetter` removes it with its receipt; a
 *   consumer that goes away leaves it there for `inProgress` to find.
 * - **Undecodable messages never reach the caller.** They are moved to the dead-letter
 *   list with the reason, and so are messages over `maxMessageBytes`, by the channel's
 *   server without their bytes being read into the process.
 * - **Receipts are the channel's own.** A receipt from another channel passed to
 *   `complete` or `deadLetter` is refused with an error naming what was passed.
 * - **Closing ends waits.** `close()` is idempotent and ends a pending `receive` at once
 *   with `null`, whatever the server does.
 */
export interface Channel {
  /**
   * How messages for this channel are written (see `WireDialect`): `'python'` when a
   * Python Kadabra 0.5.0 agent may read it (the Redis list channel), `'extended'` when
   * none can. Undefined means `'python'`. The client encodes with it; `send` does too.
   */
  readonly dialect?: WireDialect;
  /** What this channel is and where it points (never with a password). */
  describe(): ChannelDescription;
  /**
   * Optional: checks, before an agent takes anything, that this process's setup fits what
   * the channel's store holds (Redis Streams: the shard count), waiting while the server
   * is not reachable, until `close()`. The agent refuses to start when it rejects.
   * @throws ConfigurationError naming what differs and what to change.
   */
  prepare?(): Promise<void>;
  /** Enqueues metrics (encoded in the channel's `dialect`). */
  send(metrics: Metrics): Promise<void>;
  /** Enqueues already-encoded messages, in order (the first given is received first), in one round trip. */
  sendEncoded(messages: readonly EncodedMessage[]): Promise<void>;
  /**
   * Waits until a message can be moved to in-progress and returns it, or returns `null`
   * when the timeout passes, `signal` aborts or the channel closes (at once, even while
   * the server does not answer).
   */
  receive(options?: ReceiveOptions): Promise<ReceivedMessage | null>;
  /**
   * Moves up to `maxBatchSize` messages (and up to `limits.maxBatchBytes`) to in-progress
   * without waiting; may be empty.
   */
  receiveBatch(maxBatchSize: number, limits?: ReceiveLimits): Promise<ReceivedMessage[]>;
  /**
   * Removes these messages from in-progress: they were published. A message no longer
   * in progress (another agent completed or dead-lettered it first) is skipped. An empty
   * call does nothing, with or without a state change.
   *
   * With `options.stateChange`, the call is one atomic step, all or nothing: if every
   * receipt's message is still in progress, all of them are removed and the change (every
   * change, when several) is applied; otherwise nothing is removed and nothing applied (the messages still in
   * progress stay there, for the nanny to publish and complete again with their own
   * change). So a message's contribution is counted exactly once: a second completion of
   * the same receipts, or one racing another agent's, never applies a change twice.
   * @throws InvalidArgumentError for a receipt this channel did not issue, or a bad state change (nothing is applied).
   */
  complete(receipts: readonly Receipt[], options?: CompleteOptions): Promise<void>;
  /**
   * A publisher's totals in `namespace`, as left by completions (empty when there are
   * none); durable like the messages. With `select`, only some of them (see `StateSelection`).
   * @throws InvalidArgumentError for a bad namespace or selection.
   */
  readState(namespace: string, select?: StateSelection): Promise<Map<string, bigint>>;
  /**
   * Takes, renews or gives up the lease `name`, kept in the channel's server, so that of
   * all the processes sharing the channel one at a time does a job (the Prometheus
   * publisher's remote write). With `ttlMs` > 0: takes the lease when nobody holds it
   * (never taken, given up, or its holder's time ran out), renews it when `owner` holds
   * it, for `ttlMs` from now by the channel's clock, and resolves whether `owner` holds
   * it now. With `ttlMs` 0: gives it up if `owner` holds it, and resolves false. One
   * atomic step: two owners racing never both hold it.
   * @throws InvalidArgumentError for a bad name (1 to 64 letters, digits, `-`, `_`), owner (non-empty) or ttl (whole ms).
   */
  lease(name: string, owner: string, ttlMs: number): Promise<boolean>;
  /**
   * A publisher's values set if newer in `namespace` (`StateChange.set`), as left by
   * completions (empty when there are none); durable like the messages.
   * @throws InvalidArgumentError for a bad namespace.
   */
  readLatest(namespace: string): Promise<Map<string, LatestValue>>;
  /**
   * Up to `limit` in-progress messages (and up to `limits.maxBatchBytes`), oldest first,
   * each with when it entered in-progress; those over `limits.maxMessageBytes` are
   * dead-lettered instead, without being read.
   */
  inProgress(limit: number, limits?: ReceiveLimits): Promise<InProgressMessage[]>;
  /**
   * Optional, for channels whose consumers own what they were delivered (Redis Streams):
   * takes over the messages in progress longer than `thresholdMs`, oldest first, so that
   * no other agent's nanny takes them too until they are stuck again, and returns them
   * with how long they had been in progress. One delivered `maxDeliveries` times already
   * is dead-lettered with its history instead. A nanny uses this instead of `inProgress`
   * when the channel has it.
   */
  claimStuck?(options: ClaimOptions): Promise<InProgressMessage[]>;
  /**
   * Moves a message out of in-progress into the dead-letter list with a reason (nothing
   * happens when it is no longer in progress). Dead letters are never trimmed; past
   * `dead_max_length` the channel logs at error level.
   * @throws InvalidArgumentError for a receipt this channel did not issue.
   */
  deadLetter(receipt: Receipt, reason: string): Promise<void>;
  /** Queue, in-progress and dead-letter counts. */
  status(): Promise<ChannelStatus>;
  /** Up to `limit` dead letters, newest first. */
  deadLetters(limit: number): Promise<DeadLetter[]>;
  /**
   * Moves up to `limit` dead letters (oldest first, those matching `filter`) back onto the
   * queue, exactly as received; returns how many. Each one is moved atomically: requeues
   * running at once never queue a dead letter twice.
   */
  requeueDeadLetters(limit: number, filter?: DeadLetterFilter): Promise<number>;
  /** Deletes all dead letters; returns how many. */
  purgeDeadLetters(): Promise<number>;
  /** Closes connections and ends pending receives; idempotent. */
  close(): Promise<void>;
}
