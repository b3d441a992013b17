import type { IntervalHistogram } from 'node:perf_hooks';
import type { Channel } from '../../channels/channel.js';
import { STATUS_TIMEOUT_MS, statusWithin } from './channel-status-within.js';
import { PUBLISH_DURATION_BUCKETS, type AgentStats } from './agent-stats.js';
import { histogramSamples, type MetricFamily } from './exposition.js';

/** What `/metrics` reads at scrape time. */
export interface AgentMetricsSources {
  readonly stats: AgentStats;
  readonly channel: Channel;
  /** `monitorEventLoopDelay()`, enabled; reset after each scrape. */
  readonly eventLoop: IntervalHistogram;
  /** Its sampling interval in milliseconds, which every value it records includes. */
  readonly eventLoopResolutionMs: number;
  /** Default `STATUS_TIMEOUT_MS`. */
  readonly statusTimeoutMs?: number;
}

const counter = (name: string, help: string, value: number): MetricFamily => ({
  name, help, type: 'counter', samples: [{ value }],
});
const gauge = (name: string, help: string, value: number | undefined): MetricFamily => ({
  name, help, type: 'gauge', samples: value === undefined ? [] : [{ value }],
});

/**
 * The agent's own figures as metric families, every name starting with `kadabra_agent_`:
 * the counters `AgentStats` kept, the channel's counts read now (absent, and
 * `kadabra_agent_channel_up` 0, when the channel does not answer in time), event-loop
 * delay since the previous scrape, and RSS.
 */
export async function agentMetricFamilies(sources: AgentMetricsSources): Promise<MetricFamily[]> {
  const { stats, channel, eventLoop } = sources;
  // The monitor records the time between its timer's ticks: the delay is what exceeds the interval.
  const resolutionNs = sources.eventLoopResolutionMs * 1e6;
  const delay = (value: number): number | undefined => (eventLoop.count === 0 ? undefined : Math.max(0, value - resolutionNs) / 1e9);
  const eventLoopFamilies = [
    gauge('kadabra_agent_event_loop_delay_p50_seconds', 'Median event-loop delay since the previous scrape.', delay(eventLoop.percentile(50))),
    gauge('kadabra_agent_event_loop_delay_p99_seconds', '99th percentile of the event-loop delay since the previous scrape.', delay(eventLoop.percentile(99))),
    gauge('kadabra_agent_event_loop_delay_max_seconds', 'Longest event-loop delay since the previous scrape.', delay(eventLoop.max)),
  ];
  eventLoop.reset();
  // The counters are read before the channel is asked, so a scrape never shows a message
  // as published (completed) and, in the same answer, still in progress.
  const counters: MetricFamily[] = [
    counter('kadabra_agent_messages_received_total', 'Messages the receivers took from the channel.', stats.received),
    counter('kadabra_agent_messages_published_total', 'Messages written and completed (by the receivers and the nanny).', stats.published),
    counter(
      'kadabra_agent_messages_republished_total',
      'Messages the nanny republished after they were stuck in progress (included in messages_published).',
      stats.republished,
    ),
    {
      name: 'kadabra_agent_messages_dead_lettered_total',
      help: 'Messages the agent dead-lettered because the publisher rejected them for good, by reason class.',
      type: 'counter',
      // Always present, so a rate over it is defined before the first dead letter.
      samples: [...(stats.deadLettered.size === 0 ? new Map([['rejected', 0]]) : stats.deadLettered)].map(([reason, value]) => ({
        labels: { reason },
        value,
      })),
    },
    counter('kadabra_agent_points_written_total', 'Points written: one per counter and timer of each message published.', stats.points),
    {
      name: 'kadabra_agent_publish_attempts_total',
      help: 'Publish attempts by outcome: published (the publisher answered), transient (may pass; retried), failed (unclassified).',
      type: 'counter',
      samples: Object.entries(stats.attempts).map(([outcome, value]) => ({ labels: { outcome }, value })),
    },
    {
      name: 'kadabra_agent_publish_duration_seconds',
      help: 'Time one publish attempt took, whatever its outcome.',
      type: 'histogram',
      samples: histogramSamples(PUBLISH_DURATION_BUCKETS, stats.durationCounts, stats.durationSum),
    },
    counter(
      'kadabra_agent_unavailable_seconds_total',
      'Seconds publishing was unavailable (the receivers held their messages and took no new ones).',
      stats.unavailableSeconds(),
    ),
  ];
  const status = await statusWithin(channel, sources.statusTimeoutMs ?? STATUS_TIMEOUT_MS);
  return [
    ...counters,
    gauge('kadabra_agent_channel_up', 'Whether the channel answered the status query of this scrape (1) or not (0).', status ? 1 : 0),
    gauge('kadabra_agent_queue_length', 'Messages waiting in the channel.', status?.queued),
    gauge('kadabra_agent_in_progress', 'Messages in progress (taken by an agent, not yet completed).', status?.inProgress),
    gauge(
      'kadabra_agent_oldest_in_progress_age_seconds',
      "How long the oldest in-progress message has been in progress, by the channel's clock.",
      status?.oldestInProgressMs === undefined ? undefined : status.oldestInProgressMs / 1000,
    ),
    gauge('kadabra_agent_dead_letters', 'Messages in the dead-letter list (any agent, any reason).', status?.deadLetters),
    ...eventLoopFamilies,
    gauge('kadabra_agent_resident_memory_bytes', 'Resident set size of the agent process.', process.memoryUsage.rss()),
  ];
}
