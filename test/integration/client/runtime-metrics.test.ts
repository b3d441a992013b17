import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Redis } from 'ioredis';
import { Kadabra } from '../../../src/client/kadabra.js';
import { RUNTIME_METRICS } from '../../../src/client/runtime-metrics/runtime-metric-names.js';
import { ClientClosedError } from '../../../src/errors/client-closed-error.js';
import type { Metrics } from '../../../src/metrics/metrics.js';
import { decodeMetrics } from '../../../src/wire/codec.js';
import { NodeChild } from '../../support/node-child.js';
import { startRedisServer, uniqueKeys, uniqueStreamKey, type RedisServerHandle } from '../../support/redis-server.js';
import { waitFor } from '../../support/wait-for.js';
import { askPython } from '../../unit/wire/python-oracle.js';

/*
 * Runtime metrics through real channels: a redis-server started for this file, the Redis
 * list (shared with Python Kadabra 0.5.0 agents: every message checked by the original's
 * re-encoding in python3) and Redis Streams (gauges in their own array).
 */

const GAUGES = RUNTIME_METRICS.filter((m) => m.kind === 'gauge').map((m) => m.name);
const COUNTERS = RUNTIME_METRICS.filter((m) => m.kind === 'counter').map((m) => m.name);
const DELAY_GAUGES = GAUGES.filter((name) => name.startsWith('nodejs_eventloop_delay_'));

function valueOf(metrics: Metrics, name: string): number {
  const metric = [...metrics.gauges, ...metrics.counters].find((m) => m.name === name);
  assert.ok(metric !== undefined, `${name} is in the message`);
  return metric.value;
}

/** What every runtime-metrics message must hold: each metric of its kind, with values that can be true. */
function checkMessage(metrics: Metrics): void {
  assert.deepEqual(metrics.timers, []);
  const gauges = metrics.gauges.map((g) => g.name);
  // The delay statistics are absent for an interval in which the histogram's timer (every
  // 100 ms) never fired: all three or none.
  const hasDelay = gauges.includes(DELAY_GAUGES[0]!);
  assert.deepEqual(gauges, hasDelay ? GAUGES : GAUGES.filter((name) => !DELAY_GAUGES.includes(name)), 'every gauge, as a gauge');
  assert.deepEqual(metrics.counters.map((c) => c.name), COUNTERS, 'every counter, as a counter');
  const heapUsed = valueOf(metrics, 'nodejs_heap_used_bytes');
  assert.ok(heapUsed > 1_000_000, `heap used ${heapUsed}`);
  assert.ok(valueOf(metrics, 'nodejs_heap_total_bytes') >= heapUsed);
  assert.ok(valueOf(metrics, 'process_resident_memory_bytes') > heapUsed);
  assert.ok(valueOf(metrics, 'nodejs_external_memory_bytes') >= valueOf(metrics, 'nodejs_array_buffers_bytes'));
  const utilization = valueOf(metrics, 'nodejs_eventloop_utilization');
  assert.ok(utilization >= 0 && utilization <= 1, `utilization ${utilization}`);
  if (hasDelay) {
    const [p50, p99, max] = DELAY_GAUGES.map((name) => valueOf(metrics, name)) as [number, number, number];
    // Lateness (the resolution taken off), ordered, and below the length of the whole test.
    assert.ok(p50 >= 0 && p50 <= p99 && p99 <= max && max < 60, `delay p50 ${p50} p99 ${p99} max ${max}`);
  }
  assert.ok(Number.isInteger(valueOf(metrics, 'nodejs_active_resources')) && valueOf(metrics, 'nodejs_active_resources') >= 1);
  for (const name of COUNTERS) assert.ok(valueOf(metrics, name) >= 0, `${name} is not negative`);
  for (const name of COUNTERS.filter((n) => n.endsWith('_pauses'))) assert.ok(Number.isInteger(valueOf(metrics, name)), name);
}

/**
 * Runs an ES module script in a child `node` and waits for it to exit by itself: one that
 * is still running after a minute (a handle left open keeps it up) fails the test and is killed.
 */
async function runToExit(script: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  let stdout = '';
  const child = new NodeChild(['--input-type=module', '-e', script], {}, (line) => {
    stdout += `${line}\n`;
  });
  try {
    await waitFor(() => !child.running, 'the process to exit by itself (a handle left open keeps it up)', 60_000, () => child.describe(), 50);
    const exit = await child.exited;
    return { code: exit.code, stdout, stderr: child.stderr };
  } finally {
    child.kill('SIGKILL');
  }
}

/** Keeps the event loop and the collector busy: allocations that make the young generation collect. */
function churn(): void {
  let keep: unknown[] = [];
  for (let i = 0; i < 50_000; i += 1) {
    keep.push({ i, text: `item ${i}` });
    if (keep.length > 10_000) keep = [];
  }
}

describe('collectRuntimeMetrics against a real redis-server', () => {
  let server: RedisServerHandle;
  let redis: Redis;

  before(async () => {
    server = await startRedisServer();
    redis = new Redis(server.port, '127.0.0.1');
  });
  after(async () => {
    redis.disconnect();
    await server?.dispose();
  });

  test('on the Redis list: real values every interval, as gauges and counters, each message re-encoded byte for byte by the original', async () => {
    const keys = uniqueKeys('runtime');
    const client = new Kadabra({
      CLIENT_CHANNEL_ARGS: { host: '127.0.0.1', port: server.port, ...keys },
      CLIENT_DEFAULT_DIMENSIONS: { env: 'test', service: 'default' },
      CLIENT_LOG_LEVEL: 'silent',
    });
    const stop = client.collectRuntimeMetrics({ intervalSeconds: 0.3, dimensions: { service: 'checkout', pool: 'a' } });
    await waitFor(async () => {
      churn();
      return (await redis.llen(keys.queue_key)) >= 3;
    }, 'three runtime-metrics messages', 30_000, () => '', 20);
    stop();
    stop();
    const stats = await client.close();
    assert.equal(stats.droppedBy.afterClose, 0);
    const raws = (await redis.lrangeBuffer(keys.queue_key, 0, -1)).reverse();
    assert.ok(raws.length >= 3);
    const messages = raws.map((raw) => decodeMetrics(raw));
    for (const metrics of messages) {
      checkMessage(metrics);
      assert.deepEqual(metrics.dimensions.map((d) => [d.name, d.value]), [['env', 'test'], ['service', 'checkout'], ['pool', 'a']]);
    }
    assert.ok(messages.some((m) => m.gauges.some((g) => g.name === DELAY_GAUGES[0])), 'the event-loop delay was measured');
    const pauses = messages.reduce((sum, m) => sum + valueOf(m, 'nodejs_gc_minor_pauses') + valueOf(m, 'nodejs_gc_major_pauses'), 0);
    assert.ok(pauses > 0, 'the churn made the collector run, and its pauses were counted');
    const cpu = messages.reduce((sum, m) => sum + valueOf(m, 'process_cpu_user_seconds'), 0);
    assert.ok(cpu > 0, 'the churn used CPU, and it was counted');
    // On the list, gauges are counters marked "kadabra_kind": "gauge": the original keeps them byte for byte.
    for (const raw of raws) assert.match(raw.toString('latin1'), /"metadata": \{"kadabra_kind": "gauge"\}/);
    assert.doesNotMatch(raws[0]!.toString('latin1'), /"gauges"/);
    const answers = askPython(raws.map((raw) => ({ kind: 'message', args: [raw.toString('base64')] })));
    assert.deepEqual(answers, raws.map(() => 'ok'));
  });

  test('on Redis Streams the gauges travel in their own array', async () => {
    const stream_key = uniqueStreamKey('runtime');
    const client = new Kadabra({
      CLIENT_CHANNEL_TYPE: 'redis-streams',
      CLIENT_CHANNEL_ARGS: { host: '127.0.0.1', port: server.port, stream_key },
      CLIENT_LOG_LEVEL: 'silent',
    });
    client.collectRuntimeMetrics({ intervalSeconds: 0.3 });
    await waitFor(async () => (await redis.xlen(stream_key)) >= 1, 'a runtime-metrics entry', 30_000);
    await client.close();
    const entries = await redis.xrangeBuffer(stream_key, '-', '+');
    const raw = entries[0]![1][1]!;
    assert.match(raw.toString('latin1'), /"timers": \[\], "gauges": \[\{"name": "nodejs_[a-z0-9_]+", "metadata": \{\}/);
    assert.doesNotMatch(raw.toString('latin1'), /kadabra_kind/);
    checkMessage(decodeMetrics(raw));
  });

  test('close() stops it: nothing more is sent, a later call is refused, and the process exits by itself', async () => {
    const keys = uniqueKeys('runtime-close');
    const client = new Kadabra({ CLIENT_CHANNEL_ARGS: { host: '127.0.0.1', port: server.port, ...keys }, CLIENT_LOG_LEVEL: 'silent' });
    client.collectRuntimeMetrics({ intervalSeconds: 0.05 });
    await waitFor(async () => (await redis.llen(keys.queue_key)) >= 1, 'a runtime-metrics message', 30_000);
    await client.close();
    const sent = await redis.llen(keys.queue_key);
    assert.throws(() => client.collectRuntimeMetrics(), (error: unknown) => error instanceof ClientClosedError && /collectRuntimeMetrics\(\) was called after close\(\)/.test(error.message));
    // In a child: close() stops the collection (nothing is sent after it), and the process
    // then exits by itself (no handle left open).
    const index = new URL('../../../src/index.js', import.meta.url).href;
    const script = `
      import { Kadabra } from ${JSON.stringify(index)};
      const client = new Kadabra({ CLIENT_CHANNEL_ARGS: { host: '127.0.0.1', port: ${server.port}, queue_key: ${JSON.stringify(keys.queue_key)} }, CLIENT_LOG_LEVEL: 'silent' });
      client.collectRuntimeMetrics({ intervalSeconds: 0.05 });
      await new Promise((resolve) => setTimeout(resolve, 300));
      const { delivered } = await client.close();
      // Six intervals more: a collection still running would send, and be dropped after close().
      await new Promise((resolve) => setTimeout(resolve, 300));
      console.log(JSON.stringify({ delivered, afterClose: client.stats().droppedBy.afterClose }));
    `;
    const run = await runToExit(script);
    assert.equal(run.code, 0, run.stderr);
    const report = JSON.parse(run.stdout.trim().split('\n').pop()!) as { delivered: number; afterClose: number };
    assert.ok(report.delivered >= 1, 'the child sent runtime metrics');
    assert.equal(report.afterClose, 0, 'nothing was collected after close()');
    assert.ok((await redis.llen(keys.queue_key)) >= sent + report.delivered);
  });

  test('its timer never keeps a process alive: a process that only collects exits when its work is done', async () => {
    const index = new URL('../../../src/index.js', import.meta.url).href;
    const memory = new URL('../../support/memory-channel.js', import.meta.url).href;
    // A channel that holds no connection: the runtime metrics are the only thing that could keep the process up.
    const script = `
      import { Kadabra } from ${JSON.stringify(index)};
      import { MemoryChannel } from ${JSON.stringify(memory)};
      const client = new Kadabra({ CLIENT_LOG_LEVEL: 'silent', CLIENT_RUNTIME_METRICS_INTERVAL_SECONDS: 0.05 }, { channel: new MemoryChannel() });
      setTimeout(() => console.log('sent', client.stats().delivered + client.stats().buffered), 400);
    `;
    const run = await runToExit(script);
    assert.equal(run.code, 0, run.stderr);
    const sent = Number(/sent (\d+)/.exec(run.stdout)?.[1]);
    assert.ok(sent >= 1, `the configured collection ran before the process exited: ${run.stdout}`);
  });
});
