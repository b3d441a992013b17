import type { MetricFamily } from '../agent/monitoring/exposition.js';
import type { LatestValue, StateChanges, StateSelection } from '../channels/channel.js';
import type { KadabraLogger } from '../logging/logger.js';
import type { Metrics } from '../metrics/metrics.js';

/**
 * What a publisher's constructor takes. `args` are overrides of the publisher's
 * `DEFAULT_ARGS` (merged over them and validated by the constructor), or the arguments a
 * resolved configuration holds (taken as they are).
 */
export interface PublisherOptions<Args> {
  readonly args?: Readonly<Partial<Args>>;
  /** The root logger; the publisher logs through a child of it. Default: a new pino logger on stdout. */
  readonly logger?: KadabraLogger;
}

/** A message a publisher can never write, with the reason (e.g. InfluxDB's error). */
export interface RejectedMessage {
  /** Index into the batch passed to `publish`. */
  readonly index: number;
  /** Why it can never be written; stored with the dead letter. */
  readonly reason: string;
  /**
   * A short class of the reason (`invalid`, `too_large`, `refused`), the label of the
   * agent's dead-letter counter. Default `rejected`.
   */
  readonly reasonClass?: string;
}

/** What became of a batch that was published. */
export interface PublishOutcome {
  /**
   * Messages that can never be written, on evidence about each one (a check that needs no
   * server, or the server refused it alone while accepting others); they are dead-lettered.
   */
  readonly rejected: readonly RejectedMessage[];
  /**
   * Messages the server refused without evidence that they are at fault (nothing else
   * was written with them, though the server answers): the agent leaves them in progress
   * and they are tried again later. Every message neither rejected nor held was written.
   */
  readonly held?: readonly RejectedMessage[];
  /**
   * What the written messages (neither rejected nor held) add to the publisher's totals
   * in the channel: the agent completes them with it (`Channel.complete`), so the change
   * is applied exactly when the channel removes them, once. Publishers that keep no state
   * in the channel leave it out.
   */
  readonly stateChange?: StateChanges;
}

/** Reads a publisher's totals from the agent's channel (`Channel.readState`). */
export type ReadChannelState = (namespace: string, select?: StateSelection) => Promise<Map<string, bigint>>;

/** Reads a publisher's values set if newer from the agent's channel (`Channel.readLatest`). */
export type ReadChannelLatest = (namespace: string) => Promise<Map<string, LatestValue>>;

/** Takes, renews or gives up a lease in the agent's channel (`Channel.lease`): whether `owner` holds it now. */
export type ChannelLease = (name: string, owner: string, ttlMs: number) => Promise<boolean>;

/** Work a publisher does on its own while the agent runs; the agent starts and stops it. */
export interface PublisherTask {
  /** Runs until `stop()` is called, and resolves then. Never rejects. */
  start(): Promise<void>;
  /** Stops, and resolves once the work has wound down. Idempotent. */
  stop(): Promise<void>;
}

/**
 * Which message a metrics object came from, in its channel: the receipt's `id` and
 * `shard` (a channel's `Receipt` is one). Stable across receives and republishes, so a
 * publisher that stores it (PostgreSQL) can tell a republish from a new message with the
 * same content.
 */
export interface MessageIdentity {
  readonly id: string;
  readonly shard: string;
}

/** What a publisher's `probe` found. */
export type ProbeResult =
  | { readonly ok: true }
  | {
      readonly ok: false;
      /** Why it cannot write now, in the publisher's own words (no credentials). */
      readonly reason: string;
    };

/**
 * Writes metrics somewhere. `publish` must be idempotent: publishing the same messages
 * again writes the same points. It resolves once every message of the batch is either
 * written or listed in `rejected` or `held`, and throws `TransientPublishError` when the batch
 * could not be written for a reason that may pass (the agent retries it).
 */
export interface Publisher {
  /**
   * @param identities the channel's identity of each message, index for index (the agent
   *   passes its receipts); publishers that do not store it ignore it.
   */
  publish(batch: readonly Metrics[], identities?: readonly MessageIdentity[]): Promise<PublishOutcome>;
  /**
   * Checks, once before the agent receives anything, what would stop every publish for
   * good (the PostgreSQL publisher: a table of a schema version it does not know), and
   * sets up what it may (its table, with `create_schema`). Rejects only for such a
   * problem, and the agent then refuses to start; a database that cannot be reached yet
   * is no reason (publishes wait for it). Optional.
   */
  prepare?(): Promise<void>;
  /**
   * Checks, cheaply and without storing anything, whether a publish would be written now.
   * The agent calls it every few seconds while no publish tells (idle, or publishing
   * failing), so `/readyz` follows the database without waiting for traffic. Never
   * rejects. Optional: without it readiness follows the publishes alone.
   */
  probe?(): Promise<ProbeResult>;
  /**
   * Hands a publisher that keeps totals in the channel (`stateChange`) the way to read
   * them and its values set if newer; the agent calls it once, before `prepare`. Optional.
   */
  useChannelState?(read: ReadChannelState, readLatest: ReadChannelLatest): void;
  /**
   * The series a publisher serves on the agent's `/metrics` (the Prometheus publisher's
   * fleet series), read at scrape time. Optional.
   */
  seriesFamilies?(): Promise<MetricFamily[]>;
  /**
   * Work the publisher does on its own while the agent runs (the Prometheus publisher's
   * remote write), given the channel's `lease` so that one agent of a channel does it at
   * a time; undefined when it has none (none configured). The agent asks once, when it is
   * made, starts the task after `prepare` and stops it with its receivers. Optional.
   */
  backgroundTask?(lease: ChannelLease): PublisherTask | undefined;
  /** Releases connections; idempotent. */
  close(): Promise<void>;
}
