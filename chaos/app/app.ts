// A chaos "application": sends one message per simulated request through the Kadabra
// client, each carrying its sequence number as the counter's value (addCount('chaos',
// seq), dimension app=<name>), so that a loss or a double shows in SUM(value) as well as
// in the count. Measures its own event-loop delay and how long send() takes. On SIGTERM
// (or after `count` messages) it closes the client and prints its report.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Kadabra } from '../../src/client/kadabra.js';
import { MetricsCollector } from '../../src/client/metrics-collector.js';
import { componentLogger, createLogger } from '../../src/logging/logger.js';
import { encodeMetrics } from '../../src/wire/codec.js';
import { MESSAGES_COUNTER, REPORT_PREFIX, type AppConfig, type AppReport, type LoopSample } from './app-config.js';
import { countingChannel } from './counting-channel.js';
import { createChannel } from '../../src/channels/create-channel.js';

const TICK_MS = 5;
const LOOP_RESOLUTION_MS = 10;
const TIMELINE_POLL_MS = 20;

const config = JSON.parse(process.env['CHAOS_APP'] ?? '{}') as AppConfig;

const channelArgs = { host: '127.0.0.1', ...config.channel.args, connect_timeout: 1 };
const logger = createLogger({ level: 'warn' });
const counting = countingChannel(createChannel(config.channel.type, channelArgs, componentLogger(logger, 'kadabra.channel')));
const client = config.control
  ? undefined
  : new Kadabra(
      {
        CLIENT_CHANNEL_TYPE: config.channel.type,
        CLIENT_CHANNEL_ARGS: channelArgs,
        CLIENT_FLUSH_TIMEOUT_SECONDS: config.flushTimeoutSeconds,
        CLIENT_OVERFLOW_LOG_INTERVAL_SECONDS: 1,
        ...(config.bufferMaxMessages === undefined ? {} : { CLIENT_BUFFER_MAX_MESSAGES: config.bufferMaxMessages }),
      },
      { logger, channel: counting.channel },
    );

let seq = 0;
let throws = 0;
let maxSendMs = 0;
let stopping = false;
const startedAt = Date.now();
const timeline: [number, number, number][] = [];
const loop: LoopSample[] = [];

function request(): void {
  seq += 1;
  const started = performance.now();
  try {
    const metrics = client ? client.metrics() : new MetricsCollector('%Y-%m-%dT%H:%M:%S.%fZ', {});
    metrics.setDimension('app', config.name);
    metrics.addCount('chaos', seq);
    if (config.countMessages === true) metrics.addCount(MESSAGES_COUNTER, 1);
    // A control does the same work up to the wire bytes, without a client to send them.
    if (client) client.send(metrics.close());
    else encodeMetrics(metrics.close());
  } catch (error) {
    throws += 1;
    process.stderr.write(`send() threw: ${String(error)}\n`);
  }
  maxSendMs = Math.max(maxSendMs, performance.now() - started);
}

const delay = monitorEventLoopDelay({ resolution: LOOP_RESOLUTION_MS });
delay.enable();
const sampler = setInterval(() => {
  loop.push({
    at: Date.now(),
    // The histogram records whole sampling intervals: the delay is what exceeds one.
    p50: Math.max(0, delay.percentile(50) / 1e6 - LOOP_RESOLUTION_MS),
    p99: Math.max(0, delay.percentile(99) / 1e6 - LOOP_RESOLUTION_MS),
    max: Math.max(0, delay.max / 1e6 - LOOP_RESOLUTION_MS),
    maxSendMs,
  });
  delay.reset();
  maxSendMs = 0;
}, 1000);

let lastDelivered = -1;
let lastDropped = -1;
const poller = setInterval(() => {
  if (!client) return;
  const { delivered, dropped } = client.stats();
  if (delivered !== lastDelivered || dropped !== lastDropped) {
    timeline.push([Date.now(), delivered, dropped]);
    lastDelivered = delivered;
    lastDropped = dropped;
  }
}, TIMELINE_POLL_MS);

async function finish(): Promise<void> {
  if (stopping) return;
  stopping = true;
  const stoppedAt = Date.now();
  const stats = client ? await client.close() : { delivered: 0, dropped: 0, buffered: 0 };
  clearInterval(sampler);
  clearInterval(poller);
  delay.disable();
  timeline.push([Date.now(), stats.delivered, stats.dropped]);
  const report: AppReport = {
    name: config.name,
    sent: seq,
    throws,
    stats: { delivered: stats.delivered, dropped: stats.dropped, buffered: stats.buffered },
    failedWrites: counting.failedWrites(),
    inDoubt: [...counting.inDoubt],
    timeline,
    unacknowledged: client ? unacknowledged(seq) : [],
    ackedWrites: client ? counting.ackedWrites : [],
    loop,
    startedAt,
    stoppedAt,
  };
  process.stdout.write(`${REPORT_PREFIX}${JSON.stringify(report)}\n`, () => process.exit(0));
}

/** Sequence numbers 1..sent that no acknowledged write carried. */
function unacknowledged(sent: number): number[] {
  const missing: number[] = [];
  for (let s = 1; s <= sent; s += 1) if (!counting.acked.has(s)) missing.push(s);
  return missing;
}

process.on('SIGTERM', () => void finish());

if (config.ratePerSecond > 0) {
  // Steady rate: each tick sends what the clock says is due, so a slow tick catches up.
  const ticker = setInterval(() => {
    if (stopping) return clearInterval(ticker);
    const due = Math.floor(((Date.now() - startedAt) / 1000) * config.ratePerSecond);
    while (seq < due && (config.count === undefined || seq < config.count)) request();
    if (config.count !== undefined && seq >= config.count) {
      clearInterval(ticker);
      void finish();
    }
  }, TICK_MS);
} else {
  // As fast as the client takes them, yielding now and then so its writer can run.
  const total = config.count ?? 0;
  const burst = (): void => {
    for (let i = 0; i < 1000 && seq < total; i += 1) request();
    if (seq < total) setImmediate(burst);
    else void finish();
  };
  burst();
}
