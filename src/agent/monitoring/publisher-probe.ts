import { untilAborted } from '../../channels/until-aborted.js';
import type { KadabraLogger } from '../../logging/logger.js';
import type { ProbeResult } from '../../publishers/publisher.js';
import { abortableSleep } from '../abortable-sleep.js';
import { ComponentLifecycle } from '../component-lifecycle.js';
import type { PublishGate } from '../publish-gate.js';
import type { AgentStats } from './agent-stats.js';

/**
 * How often the probe looks, in milliseconds. With a publisher timeout of a few seconds,
 * `/readyz` follows the database within about twice this.
 */
export const PROBE_INTERVAL_MS = 3000;

/** What a `PublisherProbe` works with. */
export interface PublisherProbeOptions {
  /** The publisher's `probe`, bound to it. */
  readonly probe: () => Promise<ProbeResult>;
  /** The receivers' circuit: while it is closed the probe runs whatever the publishes say. */
  readonly gate: PublishGate;
  readonly stats: AgentStats;
  readonly logger: KadabraLogger;
  /** Default `PROBE_INTERVAL_MS`. */
  readonly intervalMs?: number;
}

/**
 * Keeps the readiness current when publishes do not: every few seconds, when no publish
 * has answered for half the interval (the queue is idle) or the receivers' gate is closed
 * (they back off for up to 30 s between retries), it runs the publisher's `probe` and
 * tells the readiness what it found. So `/readyz` turns unready within seconds of the
 * database going away and ready again within seconds of its return, with no message
 * waiting. It never opens the gate: the receivers' own retries do that, as before.
 */
export class PublisherProbe extends ComponentLifecycle {
  private readonly intervalMs: number;

  constructor(private readonly options: PublisherProbeOptions) {
    super(options.logger);
    this.intervalMs = options.intervalMs ?? PROBE_INTERVAL_MS;
  }

  protected override async run(signal: AbortSignal): Promise<void> {
    const { probe, gate, stats } = this.options;
    const heartbeat = stats.heartbeats.register('publisher probe', this.intervalMs);
    try {
      do {
        heartbeat.beat(this.intervalMs);
        // Half the interval: measured from the last answer, the previous probe's own answer
        // is always a little less than an interval old, and must not skip this one.
        if (!gate.isOpen || stats.readiness.sincePublisherAnswered() >= this.intervalMs / 2) {
          const result = await untilAborted(probe(), signal);
          if (result?.ok === true) stats.readiness.publisherWriting();
          else if (result !== undefined) stats.readiness.publisherFailed(result.reason);
          this.logger.debug({ ok: result?.ok }, 'publisher probed');
        }
      } while (await abortableSleep(this.intervalMs, signal));
    } finally {
      heartbeat.end();
    }
  }
}
