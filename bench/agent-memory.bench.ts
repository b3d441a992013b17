import { Redis } from 'ioredis';
import { AGENT_CONFIGS, describeAgent } from './support/agent-configs.js';
import { typicalMessages, type BenchChannelType } from './support/backlog.js';
import { formatValue, type BenchRow } from './support/bench-row.js';
import type { BenchContext } from './support/bench-context.js';
import { drainWithAgent, type DrainResult } from './support/drain.js';
import { prometheusSeriesRss, type SeriesRssResult } from './support/prometheus-series.js';
import { runIfMain } from './support/run-bench-main.js';

const TARGET_RSS_MB = 200;
const STAGE_BATCH = 10_000;

/**
 * Agent memory and CPU: each agent draining a big backlog, its RSS sampled every 50 ms; and
 * the agent with the Prometheus publisher holding 100,000 live series.
 */
export async function agentMemoryBench(context: BenchContext): Promise<BenchRow[]> {
  const count = context.smoke ? 2_000 : 1_000_000;
  const redis = new Redis({ host: '127.0.0.1', port: context.servers.redisPort });
  // Made and staged in slices: a million messages held at once would weigh on this process.
  const backlog = {
    count,
    *batches() {
      for (let first = 0; first < count; first += STAGE_BATCH) yield typicalMessages(Math.min(STAGE_BATCH, count - first), first);
    },
  };
  const results: [keyof typeof AGENT_CONFIGS, BenchChannelType, DrainResult][] = [];
  let prometheus: SeriesRssResult;
  try {
    const contenders = [['batched', 'redis'], ['default', 'redis'], ['default', 'redis-streams']] as const;
    for (const [mode, channel] of contenders) {
      const result = await drainWithAgent(context, redis, `memory_${mode}`, backlog, AGENT_CONFIGS[mode], channel);
      context.log(
        `agent-memory: ${mode} on ${channel}, ${count} msgs in ${result.seconds.toFixed(1)} s, peak RSS ${result.peakRssMb.toFixed(0)} MB, ` +
          `${result.cpuSecondsPerMillionPoints.toFixed(1)} CPU s/M points`,
      );
      results.push([mode, channel, result]);
    }
    prometheus = await prometheusSeriesRss(context, redis, context.smoke ? 10_000 : 100_000);
    context.log(`agent-memory: prometheus agent, ${prometheus.series} series folded in ${prometheus.foldSeconds.toFixed(1)} s, peak RSS ${prometheus.peakRssMb.toFixed(0)} MB (${prometheus.foldPeakRssMb.toFixed(0)} MB before the first scrape)`);
  } finally {
    redis.disconnect();
  }
  const bench = 'agent-memory';
  const seriesRow: BenchRow = {
    bench,
    figure: `peak RSS, prometheus agent with ${prometheus.series.toLocaleString('en-US')} live series (40 counters + 10 gauges × dimension sets), folded and scraped 5×`,
    ours: formatValue(prometheus.peakRssMb, 'MB'),
    // A figure to report (the 200 MB target is the backlog drain's, not this one's).
    peer: `folding only, before the first scrape: ${formatValue(prometheus.foldPeakRssMb, 'MB')}`,
    value: prometheus.peakRssMb,
  };
  return [...results.flatMap(([mode, channel, result]) => {
    const on = channel === 'redis' ? '' : ` on ${channel}`;
    const what = `${mode} agent${on} (${describeAgent(AGENT_CONFIGS[mode])}) draining ${count.toLocaleString('en-US')} msgs`;
    return [
      { bench, figure: `peak RSS, ${what}`, ours: formatValue(result.peakRssMb, 'MB'), target: `≤ ${TARGET_RSS_MB} MB`, met: result.peakRssMb <= TARGET_RSS_MB, value: result.peakRssMb },
      { bench, figure: '  same: CPU per million points', ours: formatValue(result.cpuSecondsPerMillionPoints, 'CPU s'), value: result.cpuSecondsPerMillionPoints },
      { bench, figure: '  same: drain rate (points/s)', ours: formatValue(result.pointsPerSecond, 'points/s'), value: result.pointsPerSecond },
    ];
  }), seriesRow];
}

runIfMain(import.meta.url, agentMemoryBench);
