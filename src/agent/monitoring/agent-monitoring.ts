import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import type { Channel } from '../../channels/channel.js';
import type { AgentConfiguration } from '../../config/agent-configuration.js';
import { maskConfiguration } from '../../config/mask-configuration.js';
import type { KadabraLogger } from '../../logging/logger.js';
import type { Publisher } from '../../publishers/publisher.js';
import type { AgentComponent } from '../agent-component.js';
import type { PublishGate } from '../publish-gate.js';
import { AgentHttpServer } from './agent-http-server.js';
import { agentMetricFamilies } from './agent-metrics.js';
import { AgentStats } from './agent-stats.js';
import { renderExposition, type MetricFamily } from './exposition.js';
import { describeError } from '../channel-failures.js';
import { PublisherProbe } from './publisher-probe.js';
import { loadPageFiles } from './status/page-files.js';
import { RecentDeadLetters } from './status/recent-dead-letters.js';
import { statusDocument, statusJson } from './status/status-document.js';
import { StatusHistory } from './status/status-history.js';

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
  /** Shown on the status page with its credentials masked. */
  readonly configuration: AgentConfiguration;
}

/** Milliseconds between event-loop delay samples. */
const EVENT_LOOP_RESOLUTION_MS = 20;

/**
 * Everything the agent runs only while its HTTP listener is on: the `AgentStats` its
 * components record into, the listener, the publisher probe (when the publisher has
 * one), the event-loop delay monitor and the status page's history. With the listener
 * off none of it exists, so the agent does exactly what it did before.
 */
export class AgentMonitoring {
  /** Passed to the receiver and the nanny in their options. */
  readonly stats = new AgentStats();
  private readonly server: AgentHttpServer;
  private readonly probe: AgentComponent | undefined;
  private readonly eventLoop: IntervalHistogram;
  private readonly history: StatusHistory;
  private startedAtMs = Date.now();
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
    this.history = new StatusHistory({ stats: this.stats, channel: parts.channel });
    const deadLetters = new RecentDeadLetters(parts.channel);
    const configuration = maskConfiguration('agent', parts.configuration);
    this.server = new AgentHttpServer({
      host: settings.host,
      port: settings.port,
      token: settings.token ?? undefined,
      logger: parts.logger.child({ component: 'http' }),
      pageFiles: loadPageFiles(),
      handlers: {
        status: async () =>
          statusJson(await statusDocument({
            stats: this.stats,
            history: this.history,
            deadLetters,
            configuration,
            channel: parts.channel.describe(),
            startedAtMs: this.startedAtMs,
          })),
        liveness: () => this.stats.heartbeats.problems(),
        readiness: () => this.stats.readiness.problem(),
        metrics: async (format) => {
          const families = await agentMetricFamilies({
            stats: this.stats,
            channel: parts.channel,
            eventLoop: this.eventLoop,
            eventLoopResolutionMs: EVENT_LOOP_RESOLUTION_MS,
          });
          return renderExposition([...families, ...(await this.publisherFamilies())], format);
        },
      },
    });
  }

  /**
   * The publisher's own series (the Prometheus publisher's fleet series), read after the
   * agent's figures; none when it serves none. When they cannot be read (the channel does
   * not answer), the agent's figures are served without them and a warning is logged:
   * Prometheus then sees the series absent from one scrape, never a counter reset.
   */
  private async publisherFamilies(): Promise<MetricFamily[]> {
    const { publisher } = this.parts;
    if (publisher.seriesFamilies === undefined) return [];
    try {
      return await publisher.seriesFamilies();
    } catch (error) {
      this.parts.logger.warn({ err: describeError(error) }, "could not read the publisher's series for /metrics; served without them");
      return [];
    }
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
      `agent HTTP listener on http://${host}:${address.port} (status page at /; /healthz, /readyz, /metrics, /status.json)`,
    );
    this.startedAtMs = Date.now();
    this.history.start();
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

  /** Closes the listener, the history's timer and the event-loop monitor. Idempotent. */
  async close(): Promise<void> {
    this.eventLoop.disable();
    this.history.stop();
    await this.server.close();
  }
}
