import type { Redis } from 'ioredis';
import { MetricsCollector } from '../../src/client/metrics-collector.js';
import { DEFAULT_TIMESTAMP_FORMAT } from '../../src/metrics/metrics.js';
import { encodeMetrics } from '../../src/wire/codec.js';
import { freePort } from '../../test/support/process-rig.js';
import { benchChannel } from './backlog.js';
import type { BenchContext } from './bench-context.js';
import { BenchAgent } from './bench-agent.js';
import { PROMETHEUS_PUBLISHER } from './drain.js';
import { RssSampler } from './proc-sampler.js';

/** Counters and gauges of each message: each message is one dimension set of every one of them. */
const COUNTERS = 40;
const GAUGES = 10;
/** Scrapes of `/metrics` once every series exists. */
const SCRAPES = 5;

/** What one Prometheus agent holding `series` live series weighed. */
export interface SeriesRssResult {
  readonly series: number;
  /** Highest VmRSS while it folded them and served the scrapes. */
  readonly peakRssMb: number;
  /** Highest VmRSS while it folded them, before the first scrape. */
  readonly foldPeakRssMb: number;
  /** Seconds until the last message was completed. */
  readonly foldSeconds: number;
}

/**
 * Messages making `series` series: each message one dimension set (`shard`) of 40
 * counters and 10 gauges, so 2,000 messages make 100,000 series within the publisher's
 * default limits (2,000 series per metric, 100,000 in all).
 */
function seriesMessages(series: number): string[] {
  const messages: string[] = [];
  for (let shard = 0; shard < series / (COUNTERS + GAUGES); shard += 1) {
    const collector = new MetricsCollector(DEFAULT_TIMESTAMP_FORMAT);
    collector.setDimension('shard', `s${shard}`);
    for (let i = 0; i < COUNTERS; i += 1) collector.addCount(`counter_${i}`, 1);
    for (let i = 0; i < GAUGES; i += 1) collector.setGauge(`gauge_${i}`, shard);
    messages.push(encodeMetrics(collector.close()));
  }
  return messages;
}

/**
 * `kadabra agent` with the Prometheus publisher folds messages making `series` live series
 * (on the list channel), then serves `/metrics` five times; its RSS is sampled every 50 ms
 * throughout. Each scrape is checked to hold every series.
 */
export async function prometheusSeriesRss(context: BenchContext, redis: Redis, series: number): Promise<SeriesRssResult> {
  const channel = benchChannel('prometheus_series');
  const messages = seriesMessages(series);
  await channel.stage(redis, messages);
  const port = await freePort();
  const agent = new BenchAgent({
    servers: context.servers,
    channel,
    database: '',
    publisher: PROMETHEUS_PUBLISHER,
    config: { AGENT_TYPE: 'default', AGENT_HTTP_PORT: port },
  });
  try {
    await agent.ready();
    const rss = new RssSampler(agent.pid);
    const start = performance.now();
    await channel.release(redis);
    while ((await channel.pending(redis)) > 0) {
      agent.checkAlive();
      if (performance.now() - start > (context.smoke ? 60_000 : 600_000)) throw new Error(`prometheus series: not drained in time\n${agent.describe()}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const foldSeconds = (performance.now() - start) / 1000;
    const foldPeakRssMb = rss.peakMb;
    for (let scrape = 0; scrape < SCRAPES; scrape += 1) {
      const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      const served = text.split('\n').filter((line) => /^(counter_\d+_total|gauge_\d+)\{/.test(line)).length;
      if (served !== series) throw new Error(`prometheus series: /metrics served ${served} series, not ${series}\n${agent.describe()}`);
    }
    return { series, peakRssMb: rss.stop(), foldPeakRssMb, foldSeconds };
  } finally {
    await agent.stop();
    await channel.remove(redis);
  }
}
