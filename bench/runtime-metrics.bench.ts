import { MetricsCollector } from '../src/client/metrics-collector.js';
import { RuntimeSampler } from '../src/client/runtime-metrics/runtime-sampler.js';
import { DEFAULT_TIMESTAMP_FORMAT } from '../src/metrics/metrics.js';
import { encodeMetricsTo } from '../src/wire/codec.js';
import { WireWriter } from '../src/wire/writer.js';
import { formatRatio, formatValue, type BenchRow } from './support/bench-row.js';
import type { BenchContext } from './support/bench-context.js';
import { runIfMain } from './support/run-bench-main.js';
import { summarize, type Summary } from './support/stats.js';

/** The interval the target is stated for, and the target: 0.1 % of one core. */
const INTERVAL_SECONDS = 10;
const TARGET_CORE_SHARE = 0.001;
/** CPU µs per second of wall time that the target allows. */
const LIMIT_US_PER_SECOND = TARGET_CORE_SHARE * 1e6;

function cpuMicros(): number {
  const { user, system } = process.cpuUsage();
  return user + system;
}

/**
 * CPU µs of one collection: read every runtime metric into a fresh collector, close it
 * and encode it for the wire (what `collectRuntimeMetrics` does each interval before
 * `send()` queues the bytes), measured over `count` collections in a row.
 */
function collectionMicros(sampler: RuntimeSampler, writer: WireWriter, count: number): number {
  const before = cpuMicros();
  for (let i = 0; i < count; i += 1) {
    const collector = new MetricsCollector(DEFAULT_TIMESTAMP_FORMAT, { service: 'bench' });
    sampler.record(collector);
    encodeMetricsTo(writer, collector.close());
  }
  return (cpuMicros() - before) / count;
}

/** CPU µs per second of an idle event loop for `ms`, with the watchers running or not. */
async function idleMicrosPerSecond(ms: number): Promise<number> {
  const before = cpuMicros();
  const start = performance.now();
  await new Promise((resolve) => setTimeout(resolve, ms));
  return (cpuMicros() - before) / ((performance.now() - start) / 1000);
}

/**
 * Runtime metrics' own cost at a 10 s interval, as a share of one core: the collection
 * itself (each interval), plus what the watchers cost between collections (the
 * event-loop-delay histogram's native timer, every 100 ms, and the GC observer), measured on an
 * idle loop with and without them in alternation.
 */
export async function runtimeMetricsBench(context: BenchContext): Promise<BenchRow[]> {
  const samples = context.smoke ? 3 : 15;
  const perSample = context.smoke ? 20 : 400;
  const idleRounds = context.smoke ? 1 : 5;
  const idleMs = context.smoke ? 100 : 2000;
  const sampler = new RuntimeSampler();
  const writer = new WireWriter();
  sampler.start();
  collectionMicros(sampler, writer, perSample); // warm-up
  const collections: number[] = [];
  for (let i = 0; i < samples; i += 1) collections.push(collectionMicros(sampler, writer, perSample));
  const collection: Summary = summarize(collections);
  context.log(`runtime-metrics: one collection ${collection.median.toFixed(1)} µs CPU (min ${collection.min.toFixed(1)}, max ${collection.max.toFixed(1)}, ${samples} × ${perSample})`);

  const watching: number[] = [];
  const bare: number[] = [];
  for (let round = 0; round < idleRounds; round += 1) {
    sampler.stop();
    bare.push(await idleMicrosPerSecond(idleMs));
    sampler.start();
    watching.push(await idleMicrosPerSecond(idleMs));
  }
  sampler.stop();
  const watchers = summarize(watching.map((value, i) => Math.max(0, value - (bare[i] as number))));
  context.log(`runtime-metrics: watchers ${watchers.median.toFixed(1)} µs/s (idle with ${summarize(watching).median.toFixed(1)}, without ${summarize(bare).median.toFixed(1)})`);

  const collectionPerSecond = collection.median / INTERVAL_SECONDS;
  const total = collectionPerSecond + watchers.median;
  const share = (usPerSecond: number): string => formatValue((usPerSecond / 1e6) * 100, '% of a core');
  const bench = 'runtime-metrics';
  return [
    {
      bench,
      figure: `runtime metrics at a ${INTERVAL_SECONDS} s interval: collection + watchers (CPU µs per second)`,
      ours: `${formatValue(total, 'µs/s')} (${share(total)})`,
      peer: `limit 0.1 % of a core: ${formatValue(LIMIT_US_PER_SECOND, 'µs/s')}`,
      ratio: formatRatio(total, LIMIT_US_PER_SECOND),
      target: '≤ 0.1 % of a core',
      met: total <= LIMIT_US_PER_SECOND,
      value: total,
    },
    {
      bench,
      figure: 'runtime metrics: one collection (read, record, encode; CPU µs)',
      ours: formatValue(collection.median, 'µs'),
      peer: `its share at ${INTERVAL_SECONDS} s: ${share(collectionPerSecond)}`,
      value: collection.median,
    },
    {
      bench,
      figure: 'runtime metrics: watchers between collections (delay histogram, GC observer; CPU µs per second idle)',
      ours: formatValue(watchers.median, 'µs/s'),
      peer: `idle loop without them: ${formatValue(summarize(bare).median, 'µs/s')}`,
      value: watchers.median,
    },
  ];
}

runIfMain(import.meta.url, runtimeMetricsBench);
