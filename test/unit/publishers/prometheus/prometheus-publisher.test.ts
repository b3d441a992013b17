import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { renderExposition } from '../../../../src/agent/monitoring/exposition.js';
import { publishAndSettle } from '../../../../src/agent/publish-and-settle.js';
import { checkStateChanges } from '../../../../src/channels/state-change.js';
import { Counter } from '../../../../src/metrics/counter.js';
import { Dimension } from '../../../../src/metrics/dimension.js';
import { Gauge } from '../../../../src/metrics/gauge.js';
import { Metrics } from '../../../../src/metrics/metrics.js';
import { Timer } from '../../../../src/metrics/timer.js';
import { Units } from '../../../../src/metrics/unit.js';
import { CLAIMS_SETTLE_MS, PrometheusPublisher } from '../../../../src/publishers/prometheus/prometheus-publisher.js';
import type { PrometheusPublisherArgs } from '../../../../src/publishers/prometheus/prometheus-publisher-args.js';
import { MemoryChannel, MemoryStore } from '../../../support/memory-channel.js';
import { captureLogger, silentLogger } from '../../agent/helpers.js';

const T = 1_704_164_645_123_456n;

function message(dimensions: Record<string, string>, counters: Record<string, number>, timersMs: Record<string, number> = {}): Metrics {
  return new Metrics(
    Object.entries(dimensions).map(([name, value]) => new Dimension(name, value)),
    Object.entries(counters).map(([name, value]) => new Counter(name, T, {}, value)),
    Object.entries(timersMs).map(([name, ms]) => Timer.fromMicroseconds(name, T, {}, ms * 1000, Units.MILLISECONDS)),
  );
}

function publisherOn(channel: MemoryChannel, args: Partial<PrometheusPublisherArgs> = {}, logger = silentLogger()): PrometheusPublisher {
  const publisher = new PrometheusPublisher({ args, logger });
  publisher.useChannelState((namespace, select) => channel.readState(namespace, select), (namespace) => channel.readLatest(namespace));
  return publisher;
}

/** Sends `messages`, then receives and publishes them in batches of `batch` through `publisher`, as the agent does. */
async function deliver(channel: MemoryChannel, publisher: PrometheusPublisher, messages: readonly Metrics[], batch = 3): Promise<void> {
  for (const metrics of messages) await channel.send(metrics);
  for (;;) {
    const items = await channel.receiveBatch(batch);
    if (items.length === 0) return;
    const attempt = await publishAndSettle(channel, publisher, items, silentLogger());
    assert.equal(attempt.status, 'published');
  }
}

/** The exposition's sample lines (no comments), `_created` lines left out. */
async function samples(publisher: PrometheusPublisher): Promise<string[]> {
  return renderExposition(await publisher.seriesFamilies())
    .split('\n')
    .filter((line) => line !== '' && !line.startsWith('#') && !/_created[{ ]/.test(line));
}

describe('PrometheusPublisher', () => {
  it('sums counters exactly and builds histograms in seconds with an exact sum', async () => {
    const channel = new MemoryChannel();
    const publisher = publisherOn(channel, { buckets: [0.01, 0.1] });
    const messages = [];
    for (let i = 0; i < 10; i += 1) {
      messages.push(message({ host: i % 2 === 0 ? 'a' : 'b' }, { 'api.calls': 0.1, bytes: 1e15 }, { latency: i === 9 ? 250 : 7 }));
    }
    await deliver(channel, publisher, messages);
    assert.deepEqual(await samples(publisher), [
      'U__api_2e_calls_total{host="a"} 0.5',
      'U__api_2e_calls_total{host="b"} 0.5',
      'bytes_total{host="a"} 5000000000000000',
      'bytes_total{host="b"} 5000000000000000',
      'latency_seconds_bucket{host="a",le="0.01"} 5',
      'latency_seconds_bucket{host="a",le="0.1"} 5',
      'latency_seconds_bucket{host="a",le="+Inf"} 5',
      'latency_seconds_sum{host="a"} 0.035',
      'latency_seconds_count{host="a"} 5',
      'latency_seconds_bucket{host="b",le="0.01"} 4',
      'latency_seconds_bucket{host="b",le="0.1"} 4',
      'latency_seconds_bucket{host="b",le="+Inf"} 5',
      'latency_seconds_sum{host="b"} 0.278',
      'latency_seconds_count{host="b"} 5',
    ]);
  });

  it('counts a message once however often it is published, and serves the same totals from a second agent', async () => {
    const store = new MemoryStore();
    const channel = new MemoryChannel({ store });
    const publisher = publisherOn(channel);
    await channel.send(message({}, { hits: 2 }));
    const items = await channel.receiveBatch(10);
    await publishAndSettle(channel, publisher, items, silentLogger());
    // The nanny's republish of the same receipts, and a second agent's.
    await publishAndSettle(channel, publisher, items, silentLogger());
    const other = new MemoryChannel({ store });
    await publishAndSettle(other, publisherOn(other), items, silentLogger());
    assert.deepEqual(await samples(publisher), ['hits_total 2']);
    const second = publisherOn(other);
    await second.prepare();
    assert.equal(renderExposition(await second.seriesFamilies()), renderExposition(await publisher.seriesFamilies()));
  });

  it('keeps _created per series, the same for every agent, in both formats', async () => {
    const channel = new MemoryChannel();
    const publisher = publisherOn(channel);
    const before = Date.now() / 1000;
    await deliver(channel, publisher, [message({ k: 'v' }, { hits: 1 }, { t: 1 })]);
    await deliver(channel, publisher, [message({ k: 'v' }, { hits: 1 }, { t: 1 })]);
    const text = renderExposition(await publisher.seriesFamilies());
    const created = /^hits_created\{k="v"\} (\S+)$/m.exec(text);
    assert.ok(created, text);
    assert.ok(Number(created[1]) >= Math.floor(before) && Number(created[1]) <= Date.now() / 1000 + 1, text);
    assert.match(text, /# TYPE hits_created gauge\n/);
    assert.match(text, /^t_seconds_created\{k="v"\} /m);
    const open = renderExposition(await publisher.seriesFamilies(), 'openmetrics');
    assert.match(open, /# TYPE hits counter\nhits_total\{k="v"\} 2\nhits_created\{k="v"\} \S+\n/);
    assert.match(open, /t_seconds_count\{k="v"\} 2\nt_seconds_created\{k="v"\} \S+\n/);
    assert.ok(open.endsWith('# EOF\n'));
  });

  it('reads every series\' values at each scrape, its creation claims until it is 30 s old; serves a counter that only added 0', async (t) => {
    t.mock.timers.enable({ apis: ['Date'], now: Date.now() });
    const channel = new MemoryChannel();
    const reads: string[] = [];
    const publisher = new PrometheusPublisher({ logger: silentLogger() });
    publisher.useChannelState((namespace, select) => {
      reads.push(select?.names !== undefined ? `names:${select.names.length}` : `prefix:${String(select?.prefix)}`);
      return channel.readState(namespace, select);
    }, (namespace) => channel.readLatest(namespace));
    await deliver(channel, publisher, [message({ k: 'a' }, { zero: 0 }), message({ k: 'b' }, { zero: 0 })]);
    assert.deepEqual(await samples(publisher), ['zero_total{k="a"} 0', 'zero_total{k="b"} 0']);
    assert.deepEqual(reads, ['prefix:v', 'names:4'], 'the claims of two new series');
    await deliver(channel, publisher, [message({ k: 'a' }, { zero: 1 }), message({ k: 'c' }, { zero: 2 })]);
    reads.length = 0;
    const text = renderExposition(await publisher.seriesFamilies());
    assert.deepEqual(reads, ['prefix:v', 'names:6'], 'the claims of every series still young enough for another claim to land');
    assert.equal(text.match(/^zero_created\{k="[abc]"\} \d/gm)?.length, 3, text);
    t.mock.timers.tick(CLAIMS_SETTLE_MS + 1);
    reads.length = 0;
    await publisher.seriesFamilies();
    assert.deepEqual(reads, ['prefix:v'], 'settled: kept');
    await deliver(channel, publisher, [message({ k: 'd' }, { zero: 1 })]);
    reads.length = 0;
    await publisher.seriesFamilies();
    assert.deepEqual(reads, ['prefix:v', 'names:2'], 'only the new series');
  });

  it('keeps negative increments out of the counter, counted apart', async () => {
    const channel = new MemoryChannel();
    const { logger, lines } = captureLogger();
    const publisher = publisherOn(channel, {}, logger);
    await deliver(channel, publisher, [message({ h: 'x' }, { stock: 5 }), message({ h: 'x' }, { stock: -2.5 })]);
    assert.deepEqual(await samples(publisher), [
      'stock_total{h="x"} 5',
      'kadabra_prometheus_negative_increments_total{metric="stock"} 2.5',
    ]);
    await publisher.close();
    assert.ok(lines.some((line) => /negative counter increments/.test(String(line.msg))));
  });

  it('folds gauges into the value with the latest timestamp, whatever the order and batching, the greater value on a tie', async () => {
    const gauge = (dimensions: Record<string, string>, name: string, timestamp: bigint, value: number): Metrics =>
      new Metrics(
        Object.entries(dimensions).map(([key, text]) => new Dimension(key, text)),
        [], [], undefined, undefined, [new Gauge(name, timestamp, {}, value)],
      );
    const sets = [
      gauge({ q: 'a' }, 'queue.length', T + 2n, 7),
      gauge({ q: 'a' }, 'queue.length', T + 5n, 3),
      gauge({ q: 'a' }, 'queue.length', T + 1n, 11),
      gauge({ q: 'b' }, 'queue.length', T, 4),
      gauge({ q: 'b' }, 'queue.length', T, 4.5),
      gauge({}, 'free', T, -0.25),
    ];
    const expected = ['U__queue_2e_length{q="a"} 3', 'U__queue_2e_length{q="b"} 4.5', 'free -0.25'];
    for (const [order, batch] of [[[0, 1, 2, 3, 4, 5], 1], [[5, 4, 3, 2, 1, 0], 3], [[2, 4, 1, 5, 0, 3], 6]] as const) {
      const channel = new MemoryChannel();
      const publisher = publisherOn(channel);
      await deliver(channel, publisher, order.map((i) => sets[i] as Metrics), batch);
      assert.deepEqual((await samples(publisher)).sort(), [...expected].sort(), `order ${order.join(',')}, batches of ${batch}`);
      const text = renderExposition(await publisher.seriesFamilies());
      assert.match(text, /# HELP U__queue_2e_length Kadabra gauge "queue\.length": the value set with the latest timestamp, over every process\.\n# TYPE U__queue_2e_length gauge\n/);
      assert.doesNotMatch(text, /_created/, 'a gauge has no _created');
    }
  });

  it('names a gauge that shares its name with a counter <name>_gauge, so OpenMetrics families stay unique', async () => {
    const channel = new MemoryChannel();
    const publisher = publisherOn(channel);
    const base = message({ h: 'x' }, { jobs: 2 });
    const gauges = [new Gauge('jobs', T, {}, 7), new Gauge('idle', T, {}, 1)];
    await deliver(channel, publisher, [new Metrics(base.dimensions, base.counters, base.timers, undefined, undefined, gauges)]);
    assert.deepEqual(await samples(publisher), ['jobs_total{h="x"} 2', 'idle{h="x"} 1', 'jobs_gauge{h="x"} 7']);
    const open = renderExposition(await publisher.seriesFamilies(), 'openmetrics');
    const families = [...open.matchAll(/^# TYPE (\S+) /gm)].map((match) => match[1]);
    assert.deepEqual(families, ['jobs', 'idle', 'jobs_gauge']);
    await deliver(channel, publisher, [new Metrics([], [], [], undefined, undefined, [new Gauge('x_gauge', T, {}, 1)])]);
    assert.ok((await samples(publisher)).includes('U__x__gauge 1'), 'a Kadabra name ending in _gauge is escaped');
  });

  it('counts gauge series against the cardinality limits: over them, the overflow series holds the newest value', async () => {
    const channel = new MemoryChannel();
    const publisher = publisherOn(channel, { max_series_per_metric: 2 });
    const sets = ['a', 'b', 'c', 'd'].map((host, i) => new Metrics([new Dimension('host', host)], [], [], undefined, undefined, [new Gauge('load', T + BigInt(i), {}, i)]));
    await deliver(channel, publisher, sets, 1);
    assert.deepEqual(await samples(publisher), ['load{host="a"} 0', 'load{host="b"} 1', 'load{kadabra_overflow="true"} 3']);
  });

  it('maps reserved and empty labels', async () => {
    const channel = new MemoryChannel();
    const publisher = publisherOn(channel);
    await deliver(channel, publisher, [message({ le: '1', job: 'j', empty: '', 'a.b': 'q"\n' }, { n: 1 })]);
    assert.deepEqual(await samples(publisher), ['n_total{U__a_2e_b="q\\"\\n",empty="␛",U__job="j",U__le="1"} 1']);
  });

  it('counts dimension sets beyond the limit in the overflow series, keeping the sum', async () => {
    const channel = new MemoryChannel();
    const { logger, lines } = captureLogger();
    const publisher = publisherOn(channel, { max_series_per_metric: 2 }, logger);
    await deliver(channel, publisher, ['a', 'b', 'c', 'd', 'a'].map((user) => message({ user }, { logins: 1 })), 1);
    assert.deepEqual(await samples(publisher), [
      'logins_total{user="a"} 2',
      'logins_total{user="b"} 1',
      'logins_total{kadabra_overflow="true"} 2',
    ]);
    await publisher.close();
    assert.ok(lines.some((line) => /overflow series/.test(String(line.msg))));
  });

  it('starts a histogram afresh when its buckets change', async () => {
    const store = new MemoryStore();
    const channel = new MemoryChannel({ store });
    await deliver(channel, publisherOn(channel, { buckets: [1] }), [message({}, {}, { q: 5 })]);
    const changed = publisherOn(channel, { buckets_by_metric: { q: [0.001, 2] } });
    assert.deepEqual(await samples(changed), []);
    await deliver(channel, changed, [message({}, {}, { q: 5 })]);
    assert.deepEqual(await samples(changed), [
      'q_seconds_bucket{le="0.001"} 0',
      'q_seconds_bucket{le="2"} 1',
      'q_seconds_bucket{le="+Inf"} 1',
      'q_seconds_sum 0.005',
      'q_seconds_count 1',
    ]);
  });

  it('rejects a message it cannot count, and counts the others', async () => {
    const channel = new MemoryChannel();
    const publisher = publisherOn(channel);
    await deliver(channel, publisher, [message({}, { a: 1 }), message({}, { a: 2 ** 70 }), message({}, { a: -(2 ** 63) }), message({}, { a: 1 })]);
    assert.deepEqual(await samples(publisher), ['a_total 2']);
    const dead = await channel.deadLetters(10);
    assert.equal(dead.length, 2);
    assert.ok(dead.every((letter) => /cannot be counted in Prometheus totals/.test(letter.reason)), JSON.stringify(dead));
  });

  it('rejects a message whose gauge the channel cannot compare (a timestamp beyond 64 bits of µs), folding nothing of it', async () => {
    const publisher = publisherOn(new MemoryChannel());
    const far = new Metrics([], [new Counter('a', T, {}, 1)], [], undefined, undefined, [new Gauge('g', 2n ** 63n, {}, 1)]);
    const near = new Metrics([], [], [], undefined, undefined, [new Gauge('g', T, {}, 2)]);
    const outcome = await publisher.publish([far, near]);
    assert.deepEqual(outcome.rejected.map(({ index }) => index), [0]);
    assert.match(outcome.rejected[0]?.reason ?? '', /gauge "g" has the timestamp 9223372036854775808 µs, beyond the signed 64-bit range/);
    const changes = checkStateChanges(outcome.stateChange) ?? [];
    assert.deepEqual(changes.map((change) => change.namespace), ['prometheus'], 'a gauge claims no creation');
    assert.deepEqual([...(changes[0]?.set ?? new Map()).values()], [{ value: 2, timestamp: T }]);
    assert.equal(changes[0]?.add.size, 0);
  });

  it('leaves idle series out with stale_after, and shows them again when they change', async (t) => {
    t.mock.timers.enable({ apis: ['Date'], now: 1_000_000 });
    const channel = new MemoryChannel();
    const publisher = publisherOn(channel, { stale_after: 60 });
    await deliver(channel, publisher, [message({}, { a: 1, b: 1 })]);
    assert.equal((await samples(publisher)).length, 2);
    t.mock.timers.tick(30_000);
    await deliver(channel, publisher, [message({}, { b: 1 })]);
    assert.equal((await samples(publisher)).length, 2);
    t.mock.timers.tick(31_000);
    assert.deepEqual(await samples(publisher), ['b_total 2']);
    await deliver(channel, publisher, [message({}, { a: 1 })]);
    assert.deepEqual(await samples(publisher), ['a_total 2', 'b_total 2']);
  });
});
