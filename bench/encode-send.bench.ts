import { MetricsCollector } from '../src/client/metrics-collector.js';
import { DEFAULT_TIMESTAMP_FORMAT } from '../src/metrics/metrics.js';
import type { Metrics } from '../src/metrics/metrics.js';
import { encodeMetrics } from '../src/wire/codec.js';
import { formatRatio, formatValue, type BenchRow } from './support/bench-row.js';
import type { BenchContext } from './support/bench-context.js';
import { writeDirectly } from './support/direct-writer.js';
import { nsPerCall, type Loop } from './support/micro.js';
import type { ProduceResult } from './support/produce.js';
import { sendThroughKadabra } from './support/redis-sender.js';
import { runIfMain } from './support/run-bench-main.js';
import { median } from './support/stats.js';
import { recordTypical } from './support/typical-message.js';

const TARGET_RATE = 200_000;
const PEER = 'influxdb-client writePoint → influxd';

function typicalMetrics(i: number): Metrics {
  const collector = new MetricsCollector(DEFAULT_TIMESTAMP_FORMAT);
  recordTypical(collector, i);
  return collector.close();
}

function encodeLoop(): Loop {
  const metrics = typicalMetrics(1);
  let length = 0;
  return (calls) => {
    for (let i = 0; i < calls; i += 1) length += encodeMetrics(metrics).length;
    if (length < 0) throw new Error('unreachable');
  };
}

function recordAndEncodeLoop(): Loop {
  let length = 0;
  return (calls) => {
    for (let i = 0; i < calls; i += 1) length += encodeMetrics(typicalMetrics(i)).length;
    if (length < 0) throw new Error('unreachable');
  };
}

function pick(results: readonly ProduceResult[], key: Exclude<keyof ProduceResult, 'windowMicros'>): number {
  return median(results.map((result) => result[key]));
}

/** Closing and sending a typical collector: encode cost, and sustained sending against writing to InfluxDB directly. */
export async function encodeSendBench(context: BenchContext): Promise<BenchRow[]> {
  const micro = context.smoke ? { samples: 3, sampleMs: 1 } : { samples: 15, sampleMs: 40 };
  const encodeUs = nsPerCall(encodeLoop(), micro).median / 1000;
  const recordUs = nsPerCall(recordAndEncodeLoop(), micro).median / 1000;
  context.log(`encode-send: encode ${encodeUs.toFixed(2)} µs, record+close+encode ${recordUs.toFixed(2)} µs`);

  const runs = context.smoke ? 1 : 3;
  const paced = context.smoke ? 20_000 : TARGET_RATE;
  const ours = await sendThroughKadabra(context, runs, context.smoke ? 2_000 : 300_000, paced);
  const streams = await sendThroughKadabra(context, runs, context.smoke ? 2_000 : 300_000, paced, 'redis-streams');
  const peer = await writeDirectly(context, runs, context.smoke ? 500 : 100_000);
  const streamsRate = pick(streams.closeAndSend, 'messagesPerSecond');
  const streamsCpu = pick(streams.closeAndSend, 'cpuMicrosPerMessage');
  const streamsFullRate = pick(streams.recordCloseAndSend, 'messagesPerSecond');
  const closeSendRate = pick(ours.closeAndSend, 'messagesPerSecond');
  const full = (key: Parameters<typeof pick>[1]): { ours: number; peer: number } => ({
    ours: pick(ours.recordCloseAndSend, key),
    peer: pick(peer, key),
  });
  const rate = full('messagesPerSecond');
  const cpu = full('cpuMicrosPerMessage');
  const cores = full('cores');
  const p99 = full('loopDelayP99Ms');
  const max = full('loopDelayMaxMs');
  const closeSendCores = pick(ours.closeAndSend, 'cores');
  const closeSendCpu = pick(ours.closeAndSend, 'cpuMicrosPerMessage');
  const closeSendP99 = pick(ours.closeAndSend, 'loopDelayP99Ms');
  const pacedRate = pick(ours.closeAndSendPaced, 'messagesPerSecond');
  const pacedCores = pick(ours.closeAndSendPaced, 'cores');
  const pacedCpu = pick(ours.closeAndSendPaced, 'cpuMicrosPerMessage');
  const pacedP99 = pick(ours.closeAndSendPaced, 'loopDelayP99Ms');
  // The rate runs until the last acknowledgement, a few ms past the schedule's end.
  const pacedKeptUp = pacedRate >= paced * 0.99;

  const bench = 'encode-send';
  const versus = (figure: string, value: { ours: number; peer: number }, unit: string, extra: Partial<BenchRow> = {}): BenchRow => ({
    bench,
    figure,
    ours: formatValue(value.ours, unit),
    peer: `${PEER}: ${formatValue(value.peer, unit)}`,
    ratio: formatRatio(value.ours, value.peer),
    value: value.ours,
    ...extra,
  });
  return [
    { bench, figure: 'encode typical message', ours: formatValue(encodeUs, 'µs'), target: '≤ 5 µs', met: encodeUs <= 5, value: encodeUs },
    { bench, figure: 'record + close + encode typical message', ours: formatValue(recordUs, 'µs'), value: recordUs },
    {
      bench,
      figure: 'close + send + flush into Redis, collectors recorded beforehand (msg/s)',
      ours: formatValue(closeSendRate, 'msg/s'),
      target: `≥ ${TARGET_RATE.toLocaleString('en-US')} msg/s`,
      met: closeSendRate >= TARGET_RATE,
      value: closeSendRate,
    },
    { bench, figure: '  same: sending process CPU per message', ours: formatValue(closeSendCpu, 'µs'), value: closeSendCpu },
    { bench, figure: '  same: sending process CPU use (cores)', ours: formatValue(closeSendCores, 'cores'), value: closeSendCores },
    {
      bench,
      figure: '  same: event-loop delay p99',
      ours: formatValue(closeSendP99, 'ms'),
      target: '≤ 10 ms',
      met: closeSendP99 <= 10,
      value: closeSendP99,
    },
    {
      bench,
      figure: `close + send + flush, paced at ${paced.toLocaleString('en-US')} msg/s (msg/s reached)`,
      ours: formatValue(pacedRate, 'msg/s'),
      value: pacedRate,
    },
    {
      bench,
      figure: '  same: sending process CPU use (cores)',
      ours: formatValue(pacedCores, 'cores'),
      target: `≤ 1 core at ${paced.toLocaleString('en-US')} msg/s`,
      met: pacedKeptUp && pacedCores <= 1,
      value: pacedCores,
    },
    { bench, figure: '  same: sending process CPU per message', ours: formatValue(pacedCpu, 'µs'), value: pacedCpu },
    {
      bench,
      figure: '  same: event-loop delay p99',
      ours: formatValue(pacedP99, 'ms'),
      target: '≤ 10 ms',
      met: pacedP99 <= 10,
      value: pacedP99,
    },
    {
      bench,
      figure: 'close + send + flush into redis-streams, collectors recorded beforehand (msg/s)',
      ours: formatValue(streamsRate, 'msg/s'),
      peer: `list: ${formatValue(closeSendRate, 'msg/s')}`,
      target: `≥ ${TARGET_RATE.toLocaleString('en-US')} msg/s`,
      met: streamsRate >= TARGET_RATE,
      value: streamsRate,
    },
    { bench, figure: '  same: sending process CPU per message', ours: formatValue(streamsCpu, 'µs'), value: streamsCpu },
    { bench, figure: '  same, recording included (msg/s)', ours: formatValue(streamsFullRate, 'msg/s'), value: streamsFullRate },
    versus('record + close + send + flush (msg/s)', rate, 'msg/s'),
    versus('  same: sending process CPU per message', cpu, 'µs'),
    versus('  same: sending process CPU use (cores)', cores, 'cores'),
    versus('  same: event-loop delay p99', p99, 'ms'),
    versus('  same: event-loop delay max', max, 'ms'),
  ];
}

runIfMain(import.meta.url, encodeSendBench);
