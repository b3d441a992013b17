import StatsD from 'hot-shots';
import { Counter as PromCounter, Registry } from 'prom-client';
import { MetricsCollector } from '../src/client/metrics-collector.js';
import { DEFAULT_TIMESTAMP_FORMAT } from '../src/metrics/metrics.js';
import { Units } from '../src/metrics/unit.js';
import { formatRatio, formatValue, type BenchRow } from './support/bench-row.js';
import type { BenchContext } from './support/bench-context.js';
import { bytesPerCall, nsPerCall, type Loop, type MicroOptions } from './support/micro.js';
import { runIfMain } from './support/run-bench-main.js';
import type { Summary } from './support/stats.js';

const TARGET_NS = 50;
const NEW_COUNTERS_PER_COLLECTOR = 8;
const NEW_COUNTER_NAMES = Array.from({ length: NEW_COUNTERS_PER_COLLECTOR }, (_, i) => `counter_${i}`);

function collector(): MetricsCollector {
  return new MetricsCollector(DEFAULT_TIMESTAMP_FORMAT);
}

function floorLoop(): Loop {
  const slots = new Map<string, { value: number }>([['requests', { value: 0 }]]);
  return (calls) => {
    for (let i = 0; i < calls; i += 1) {
      const slot = slots.get('requests');
      if (slot !== undefined) slot.value += 1;
    }
  };
}

function addCountLoop(): Loop {
  const metrics = collector();
  metrics.addCount('requests', 1);
  return (calls) => {
    for (let i = 0; i < calls; i += 1) metrics.addCount('requests', 1);
  };
}

function promClientLoop(): Loop {
  const counter = new PromCounter({
    name: 'requests_total',
    help: 'requests',
    labelNames: ['method', 'status'] as const,
    registers: [new Registry()],
  });
  return (calls) => {
    for (let i = 0; i < calls; i += 1) counter.inc({ method: 'GET', status: '200' });
  };
}

function hotShotsLoop(): Loop {
  // mock: builds each StatsD line as usual, then keeps it in mockBuffer instead of sending.
  const client = new StatsD({ mock: true });
  return (calls) => {
    for (let i = 0; i < calls; i += 1) client.increment('requests', 1, ['method:GET', 'status:200']);
    if (client.mockBuffer) client.mockBuffer.length = 0;
  };
}

function newCountersLoop(): Loop {
  return (calls) => {
    for (let i = 0; i < calls; i += 1) {
      const metrics = collector();
      for (let j = 0; j < NEW_COUNTERS_PER_COLLECTOR; j += 1) metrics.addCount(NEW_COUNTER_NAMES[j] as string, 1);
    }
  };
}

function emptyCollectorsLoop(): Loop {
  let last: MetricsCollector | undefined;
  return (calls) => {
    for (let i = 0; i < calls; i += 1) last = collector();
    if (last?.closed === true) throw new Error('unreachable');
  };
}

function setTimerLoop(): Loop {
  const metrics = collector();
  return (calls) => {
    for (let i = 0; i < calls; i += 1) metrics.setTimer('latency', 12.5, Units.MILLISECONDS);
  };
}

function setDimensionLoop(): Loop {
  const metrics = collector();
  return (calls) => {
    for (let i = 0; i < calls; i += 1) metrics.setDimension('region', 'eu-west-1');
  };
}

function ns(summary: Summary): string {
  return formatValue(summary.median, 'ns');
}

/** Recording: the cost of one call on the application's request path, against prom-client, hot-shots and a bare Map. */
export async function recordBench(context: BenchContext): Promise<BenchRow[]> {
  const options: MicroOptions = context.smoke ? { samples: 3, sampleMs: 1 } : { samples: 15, sampleMs: 40 };
  const measure = (name: string, loop: Loop): Summary => {
    const summary = nsPerCall(loop, options);
    context.log(`record: ${name} ${summary.median.toFixed(1)} ns (min ${summary.min.toFixed(1)}, max ${summary.max.toFixed(1)})`);
    return summary;
  };
  const floor = measure('Map get-and-add', floorLoop());
  const ours = measure('addCount existing', addCountLoop());
  const prom = measure('prom-client inc', promClientLoop());
  const hotShots = measure('hot-shots increment', hotShotsLoop());
  const newCounters = measure('8 new counters', newCountersLoop());
  const emptyCollectors = measure('empty collector', emptyCollectorsLoop());
  const setTimer = measure('setTimer', setTimerLoop());
  const setDimension = measure('setDimension', setDimensionLoop());
  const allocation = await bytesPerCall(addCountLoop(), context.smoke ? 10_000 : 200_000);
  const newCounterNs = Math.max(0, newCounters.median - emptyCollectors.median) / NEW_COUNTERS_PER_COLLECTOR;

  const bench = 'record';
  return [
    {
      bench,
      figure: 'addCount, existing counter (ns/call)',
      ours: ns(ours),
      peer: `prom-client Counter.inc, 2 labels: ${ns(prom)}`,
      ratio: formatRatio(ours.median, prom.median),
      target: `≤ ${TARGET_NS} ns and < prom-client`,
      met: ours.median <= TARGET_NS && ours.median < prom.median,
      value: ours.median,
    },
    {
      bench,
      figure: 'addCount, existing counter vs hot-shots',
      ours: ns(ours),
      peer: `hot-shots increment, 2 tags (mock): ${ns(hotShots)}`,
      ratio: formatRatio(ours.median, hotShots.median),
      value: ours.median,
    },
    {
      bench,
      figure: 'addCount, existing counter vs floor',
      ours: ns(ours),
      peer: `bare Map get-and-add: ${ns(floor)}`,
      ratio: formatRatio(ours.median, floor.median),
      value: ours.median,
    },
    {
      bench,
      figure: 'addCount, existing counter: heap growth',
      ours: `${formatValue(allocation.bytesPerCall, 'B/call')}${allocation.collected ? ' (GC ran: lower bound)' : ''}`,
      target: '0 B/call',
      met: allocation.bytesPerCall < 0.1 && !allocation.collected,
      value: allocation.bytesPerCall,
    },
    {
      bench,
      figure: `addCount, new counter (${NEW_COUNTERS_PER_COLLECTOR} per fresh collector, collector cost subtracted)`,
      ours: formatValue(newCounterNs, 'ns'),
      value: newCounterNs,
    },
    { bench, figure: 'setTimer, existing timer', ours: ns(setTimer), value: setTimer.median },
    { bench, figure: 'setDimension, existing dimension', ours: ns(setDimension), value: setDimension.median },
  ];
}

runIfMain(import.meta.url, recordBench);
