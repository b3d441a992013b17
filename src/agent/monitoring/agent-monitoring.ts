import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import type { Channel } from '../../channels/channel.js';
import type { KadabraLogger } from '../../logging/logger.js';
import type { Publisher } from '../../publishers/publisher.js';
import type { AgentComponent } from '../agent-component.js';
import type { PublishGate } from '../publish-gate.js';
import { AgentHttpServer } from './agent-http-server.js';
import { agentMetricFamilies } from './agent-metrics.js';
import { AgentStats } from './agent-stats.js';
import { renderExposition } from './exposition.js';
import { PublisherProbe } from './publisher-probe.js';

/** The `AGENT_HTTP_*` settings. */
export interface AgentHttpSettings {
  readonly host: string;
  readonly port: number;
  readonly token: string | null;
}

/** What the monitoring watches. */
export interface AgentMonitoringParts {
  readonly channel: Channel;
  readonly publisher: Publisher;
  readonly gate: PublishGate;
  readonly logger: KadabraLogger;
}

/** Milliseconds between event-loop delay samples. */
const EVENT_LOOP_RESOLUTION_MS = 20;

/**
 * Everything the agent runs only while its HTTP listener is on: the `AgentStats` its
 * components record into, the listener, the publisher probe (when the publisher has
 * one) and the event-loop delay monitor. With the listener off none of it exists, so
 * the agent does exactly what it did before.
 */
export class AgentMonitoring {
  /** Passed to the receiver and the nanny in their options. */
  readonly stats = new AgentStats();
  private readonly server: AgentHttpServer;
  private readonly probe: AgentComponent | undefined;
  private readonly eventLoop: IntervalHistogram;
  private probing: Promise<void> | undefined;
  private bound: { readonly host: string; readonly port: number } | undefined;

  constructor(
    private readonly settings: AgentHttpSettings,
    private readonly parts: AgentMonitoringParts,
  ) {
    this.eventLoop = monitorEventLoopDelay({ resolution: EVENT_LOOP_RESOLUTION_MS });
    const { publisher } = parts;
    this.probe =
      publisher.probe === undefined
        ? undefined
        : new PublisherProbe({
            probe: publisher.probe.bind(publisher),
            gate: parts.gate,
            stats: this.stats,
            logger: parts.logger.child({ component: 'probe' }),
          });
    this.server = new AgentHttpServer({
      host: settings.host,
      port: settings.port,
      token: settings.token ?? undefined,
      logger: parts.logger.child({ component: 'http' }),
      handlers: {
        liveness: () => this.stats.heartbeats.problems(),
        readiness: () => this.stats.readiness.problem(),
        metrics: async () =>
          renderExposition(await agentMetricFamilies({
            stats: this.stats,
            channel: parts.channel,
            eventLoop: this.eventLoop,
            eventLoopResolutionMs: EVENT_LOOP_RESOLUTION_MS,
          })),
      },
    });
  }

  /**
   * Opens the listener (and logs where), then starts the probe and the event-loop monitor.
   * @throws the listen error (the port is taken, the host is not an address of this machine).
   */
  async start(): Promise<void> {
    const address = await this.server.listen();
    this.bound = { host: address.address, port: address.port };
    const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    this.parts.logger.info(
      { host: address.address, port: address.port, token: this.settings.token !== null },
      `agent HTTP listener on http://${host}:${address.port} (/healthz, /readyz, /metrics)`,
    );
    this.eventLoop.enable();
    this.probing = this.probe?.start();
  }

  /** The address the listener is bound to, once it listens. */
  get address(): { readonly host: string; readonly port: number } | undefined {
    return this.bound;
  }

  /** Stops the probe (at once; a probe in flight is left to settle). */
  async stopProbe(): Promise<void> {
    await this.probe?.stop();
    await this.probing;
  }

  /** Closes the listener and the event-loop monitor. Idempotent. */
  async close(): Promise<void> {
    this.eventLoop.disable();
    await this.server.close();
  }
}
