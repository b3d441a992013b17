import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import snappy from 'snappyjs';
import { abortableSleep } from '../../../agent/abortable-sleep.js';
import { describeError } from '../../../agent/channel-failures.js';
import type { MetricFamily } from '../../../agent/monitoring/exposition.js';
import { secondsToMilliseconds } from '../../../config/duration-seconds.js';
import { LogLimiter } from '../../../logging/log-limiter.js';
import type { KadabraLogger } from '../../../logging/logger.js';
import type { ChannelLease, PublisherTask } from '../../publisher.js';
import type { RemoteWriteReceiverArgs } from './remote-write-args.js';
import { RemoteWriteReceiver } from './remote-write-receiver.js';
import { remoteWriteSeries } from './remote-write-series.js';
import { encodeWriteRequest } from './write-request.js';

/** The lease every agent of a channel asks for before it pushes. */
export const REMOTE_WRITE_LEASE = 'prometheus-remote-write';

/** A lease lasts this many intervals: its holder renews it every interval, so one late renewal does not lose it. */
export const LEASE_INTERVALS = 3;

/**
 * Most series (of one sample each) in one request: a snapshot of many series goes as
 * several requests (each a few hundred KiB before compression at most), well within the
 * request size limits of receivers.
 */
export const SERIES_PER_REQUEST = 2000;

/** At most one line per kind of trouble per this many ms. */
const LOG_INTERVAL_MS = 60_000;

/** What a `RemoteWriter` takes. */
export interface RemoteWriterOptions {
  readonly receivers: readonly RemoteWriteReceiverArgs[];
  /** Seconds between two snapshots. */
  readonly intervalSeconds: number;
  /** Labels added to every series that lacks them (`remote_write_labels`). */
  readonly labels: Readonly<Record<string, string>>;
  /** The series to push, read now (the publisher's `/metrics` series). */
  readonly families: () => Promise<MetricFamily[]>;
  /** The channel's lease (`Channel.lease`). */
  readonly lease: ChannelLease;
  readonly logger: KadabraLogger;
  /** Who this agent is to the lease. Default: host, pid and a random part. */
  readonly owner?: string;
  /** Most series (one sample each) in one request. Default `SERIES_PER_REQUEST`. */
  readonly seriesPerRequest?: number;
}

/**
 * Pushes the Prometheus publisher's series to remote-write receivers every interval
 * (remote write 1.0: a protobuf `WriteRequest`, snappy-compressed), from one agent of the
 * channel at a time: each interval it takes or renews the lease `prometheus-remote-write`
 * in the channel (lasting `LEASE_INTERVALS` intervals) and pushes only while it holds it.
 * Another agent takes over once the holder stops renewing (it died: within
 * `LEASE_INTERVALS` intervals) or gives the lease up (it stopped: at its next interval).
 *
 * Each snapshot is the totals as the channel holds them, stamped with the time they were
 * read: every agent reads the same totals, so a takeover continues the same counters.
 * Pushes to each receiver run on their own (`RemoteWriteReceiver`), so a slow or down
 * receiver delays neither the others nor the next snapshot.
 */
export class RemoteWriter implements PublisherTask {
  private readonly options: RemoteWriterOptions;
  private readonly receivers: RemoteWriteReceiver[];
  private readonly owner: string;
  private readonly seriesPerRequest: number;
  private readonly logger: KadabraLogger;
  private readonly logs = new LogLimiter(LOG_INTERVAL_MS);
  private readonly controller = new AbortController();
  private readonly pushes = new Set<Promise<unknown>>();
  private holding: boolean | undefined;
  private running: Promise<void> | undefined;
  private stopping: Promise<void> | undefined;

  /** @throws ConfigurationError for a receiver's TLS file that cannot be read. */
  constructor(options: RemoteWriterOptions) {
    this.options = options;
    this.logger = options.logger;
    this.owner = options.owner ?? `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
    this.seriesPerRequest = options.seriesPerRequest ?? SERIES_PER_REQUEST;
    this.receivers = options.receivers.map((receiver) => new RemoteWriteReceiver(receiver, this.logger));
  }

  /** Runs until `stop()` (see `PublisherTask.start`). */
  start(): Promise<void> {
    this.running ??= this.controller.signal.aborted ? Promise.resolve() : this.run(this.controller.signal);
    return this.running;
  }

  /**
   * Stops pushing, gives the lease up (so another agent takes over at its next interval),
   * and closes the connections, which ends pushes still in flight. Idempotent.
   */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      this.controller.abort();
      await this.running;
      if (this.holding === true) {
        try {
          await this.options.lease(REMOTE_WRITE_LEASE, this.owner, 0);
        } catch (error) {
          this.logger.debug({ err: describeError(error) }, 'could not give the remote-write lease up; it runs out by itself');
        }
      }
      for (const receiver of this.receivers) receiver.close();
      await Promise.allSettled(this.pushes);
    })();
    return this.stopping;
  }

  private async run(signal: AbortSignal): Promise<void> {
    const intervalMs = secondsToMilliseconds(this.options.intervalSeconds);
    this.logger.info(
      { receivers: this.receivers.map((receiver) => receiver.url), intervalSeconds: this.options.intervalSeconds, owner: this.owner },
      'remote write on: the agent holding the lease pushes the series every interval',
    );
    let dueAt = Date.now();
    while (!signal.aborted) {
      const nextAt = dueAt + intervalMs;
      try {
        await this.snapshot(intervalMs * LEASE_INTERVALS, nextAt, signal);
      } catch (error) {
        this.logger.error({ err: describeError(error) }, 'a remote-write snapshot failed unexpectedly; trying again at the next interval');
      }
      // A snapshot that overran its interval moves the schedule on rather than catching up.
      dueAt = Math.max(nextAt, Date.now());
      await abortableSleep(dueAt - Date.now(), signal);
    }
  }

  /** Renews the lease and, while it is held, reads the series and hands them to every receiver. */
  private async snapshot(ttlMs: number, nextAt: number, signal: AbortSignal): Promise<void> {
    let held: boolean;
    try {
      held = await this.options.lease(REMOTE_WRITE_LEASE, this.owner, ttlMs);
    } catch (error) {
      held = false;
      this.logs.log(this.logger, 'warn', 'lease', { err: describeError(error) }, 'could not take or renew the remote-write lease (the channel does not answer); not pushing until it does');
    }
    if (held !== this.holding) {
      this.logger.info(
        { owner: this.owner },
        held
          ? 'this agent holds the remote-write lease: it pushes the series every interval'
          : 'another agent of the channel holds the remote-write lease (or the channel does not answer): this one stands by',
      );
      this.holding = held;
    }
    if (!held || signal.aborted) return;
    let requests: Buffer[];
    try {
      const families = await this.options.families();
      const series = remoteWriteSeries(families, Date.now(), this.options.labels);
      requests = [];
      for (let i = 0; i < series.length; i += this.seriesPerRequest) {
        requests.push(Buffer.from(snappy.compress(encodeWriteRequest(series.slice(i, i + this.seriesPerRequest)))));
      }
    } catch (error) {
      this.logs.log(this.logger, 'warn', 'read', { err: describeError(error) }, 'could not read the series from the channel for remote write; trying again at the next interval');
      return;
    }
    if (requests.length === 0) return;
    for (const receiver of this.receivers) {
      const push = receiver.push(requests, nextAt, signal);
      this.pushes.add(push);
      void push.finally(() => this.pushes.delete(push));
    }
  }

}
