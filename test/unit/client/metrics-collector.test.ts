import { afterEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { MetricsCollector } from '../../../src/client/metrics-collector.js';
import { CollectorClosedError } from '../../../src/errors/collector-closed-error.js';
import { InvalidArgumentError } from '../../../src/errors/invalid-argument-error.js';
import { nowMicros } from '../../../src/time/clock.js';
import { DEFAULT_TIMESTAMP_FORMAT } from '../../../src/metrics/metrics.js';
import { Unit, Units } from '../../../src/metrics/unit.js';
import { encodeMetrics } from '../../../src/wire/codec.js';
import { SameMillisecondSlots } from '../../../src/client/same-millisecond-slots.js';
import { askPython, b64 } from '../wire/python-oracle.js';

const T0 = 1_704_164_645_123_456n; // 2024-01-02T03:04:05.123456Z

function collector(dimensions?: Record<string, string>): MetricsCollector {
  return new MetricsCollector(DEFAULT_TIMESTAMP_FORMAT, dimensions);
}

/** Asserts an InvalidArgumentError whose message contains every fragment. */
function rejects(fn: () => unknown, ...fragments: string[]): void {
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof InvalidArgumentError, `expected InvalidArgumentError, got ${String(error)}`);
    for (const f of fragments) assert.ok(error.message.includes(f), `message ${JSON.stringify(error.message)} lacks ${f}`);
    return true;
  });
}

/** Lets a test pass a wrongly typed argument, as JavaScript callers can. */
function untyped<T>(value: unknown): T {
  return value as T;
}

describe('MetricsCollector counters', () => {
  test('add to an existing counter sums as floats, one counter per name', () => {
    const c = collector();
    c.addCount('myCount', 1);
    c.addCount('myCount', 3);
    c.addCount('float', 0.1);
    c.addCount('float', 0.2);
    const m = c.close();
    assert.deepEqual(
      m.counters.map((x) => [x.name, x.value]),
      [
        ['myCount', 4],
        ['float', 0.30000000000000004],
      ],
    );
    assert.match(encodeMetrics(m), /"value": 4\.0\}/);
  });

  test('a bigint value is converted like Python float()', () => {
    const c = collector();
    c.addCount('big', 2n ** 60n);
    assert.equal(c.close().counters[0]?.value, 2 ** 60);
  });

  test('the first timestamp is kept unless replaceTimestamp', () => {
    const c = collector();
    c.addCount('kept', 1, { timestamp: T0 });
    c.addCount('kept', 1, { timestamp: T0 + 5n });
    c.addCount('kept', 1);
    c.addCount('replaced', 1, { timestamp: T0 });
    c.addCount('replaced', 1, { timestamp: T0 + 7n, replaceTimestamp: true });
    c.addCount('now', 1, { timestamp: T0 });
    const before = nowMicros();
    c.addCount('now', 1, { replaceTimestamp: true });
    const m = c.close();
    assert.equal(m.counters[0]?.timestamp, T0);
    assert.equal(m.counters[1]?.timestamp, T0 + 7n);
    assert.ok((m.counters[2]?.timestamp ?? 0n) > before, 'replaceTimestamp without a timestamp uses now');
  });

  test('a new counter is stamped with now, and Date timestamps are accepted', () => {
    const c = collector();
    const before = nowMicros();
    c.addCount('a', 1);
    c.addCount('b', 1, { timestamp: new Date('2024-01-02T03:04:05.123Z') });
    const m = c.close();
    const a = m.counters[0]?.timestamp ?? 0n;
    assert.ok(a > before && a < before + 5_000_000n);
    const b = m.counters[1]?.timestamp ?? 0n;
    assert.ok(b >= 1_704_164_645_123_000n && b <= 1_704_164_645_123_999n, `within the Date's millisecond: ${b}`);
  });

  test('metadata is replaced when given (non-empty), kept when omitted or empty, and copied', () => {
    const c = collector();
    const mine = { order: 'A-1' };
    c.addCount('orders', 1, { metadata: mine });
    mine.order = 'changed after the call';
    c.addCount('orders', 1);
    c.addCount('orders', 1, { metadata: {} });
    c.addCount('refunds', 1, { metadata: { reason: 'first', extra: 'x' } });
    c.addCount('refunds', 1, { metadata: { reason: 'second' } });
    const m = c.close();
    assert.deepEqual(m.counters[0]?.metadata, { order: 'A-1' });
    assert.deepEqual(m.counters[1]?.metadata, { reason: 'second' });
  });

  test('a sum that would overflow is rejected and leaves the counter unchanged', () => {
    const c = collector();
    c.addCount('big', Number.MAX_VALUE);
    rejects(() => c.addCount('big', Number.MAX_VALUE), '"big"', 'overflow');
    assert.equal(c.close().counters[0]?.value, Number.MAX_VALUE);
  });

  test('bad names, values, metadata and timestamps fail at the call, naming the value', () => {
    const c = collector();
    c.addCount('existing', 1);
    rejects(() => c.addCount('', 1), 'non-empty string', '""');
    rejects(() => c.addCount(untyped<string>(42), 1), 'non-empty string', '42');
    rejects(() => c.addCount('x', Number.NaN), 'finite number', 'NaN');
    rejects(() => c.addCount('existing', Number.POSITIVE_INFINITY), 'finite number', 'Infinity');
    rejects(() => c.addCount('existing', untyped<number>('1')), 'finite number', '"1"');
    rejects(() => c.addCount('existing', untyped<number>(undefined)), 'finite number', 'undefined');
    rejects(() => c.addCount('x', 1, { metadata: untyped<Record<string, string>>({ id: 7 }) }), '"id"', '7');
    rejects(() => c.addCount('x', 1, { metadata: untyped<Record<string, string>>(['a']) }), 'addCount("x") metadata', 'plain object');
    rejects(() => c.addCount('x', 1, { timestamp: new Date(Number.NaN) }), 'addCount("x") timestamp', 'invalid Date');
    rejects(() => c.addCount('x', 1, { timestamp: -1n }), '-1n');
    rejects(() => c.addCount('x', 1, { timestamp: untyped<bigint>(1_700_000_000_000) }), '1700000000000', 'BigInt');
    rejects(() => c.addCount('x', 1, { timestamp: new Date('1969-12-31T23:59:59Z') }), '1969-12-31');
    const m = c.close();
    assert.deepEqual(
      m.counters.map((x) => [x.name, x.value]),
      [['existing', 1]],
      'failed calls record nothing',
    );
  });
});

describe('MetricsCollector timers', () => {
  test('setTimer overwrites value, unit and timestamp in place and keeps insertion order', () => {
    const c = collector();
    c.setTimer('first', 5000, Units.MILLISECONDS, { timestamp: T0 });
    c.setTimer('second', 1, Units.SECONDS, { timestamp: T0 });
    c.setTimer('first', 2500, Units.SECONDS, { timestamp: T0 + 3n });
    const m = c.close();
    assert.deepEqual(
      m.timers.map((t) => [t.name, t.value, t.unit, t.timestamp]),
      [
        ['first', 2.5, Units.SECONDS, T0 + 3n],
        ['second', 0.001, Units.SECONDS, T0],
      ],
    );
  });

  test('duration in ms is quantised to whole µs (half to even), value = (µs / 1e6) × seconds_offset', () => {
    const c = collector();
    c.setTimer('t1005us', 1.005, Units.MILLISECONDS);
    c.setTimer('half-even-down', 0.0025, Units.MICROSECONDS);
    c.setTimer('half-even-up', 0.0015, Units.MICROSECONDS);
    c.setTimer('python-split', 2000.0005, Units.SECONDS);
    c.setTimer('zero', 0, Units.SECONDS);
    const values = c.close().timers.map((t) => t.value);
    assert.deepEqual(values, [(1005 / 1e6) * 1000, 2, 2, 2.000001, 0]);
    assert.equal(values[0], 1.0050000000000001);
  });

  test('the default timestamp is now at each set; metadata kept unless new non-empty metadata is given', () => {
    const c = collector();
    c.setTimer('t', 1, Units.MILLISECONDS, { metadata: { path: '/a' } });
    const firstClose = nowMicros();
    c.setTimer('t', 2, Units.MILLISECONDS);
    c.setTimer('t', 3, Units.MILLISECONDS, { metadata: {} });
    let m = c.close();
    assert.deepEqual(m.timers[0]?.metadata, { path: '/a' });
    assert.ok((m.timers[0]?.timestamp ?? 0n) > firstClose);
    const d = collector();
    d.setTimer('t', 1, Units.MILLISECONDS, { metadata: { path: '/a', status: '200' } });
    d.setTimer('t', 1, Units.MILLISECONDS, { metadata: { path: '/b' } });
    m = d.close();
    assert.deepEqual(m.timers[0]?.metadata, { path: '/b' });
  });

  test('bad durations, units, names and timestamps fail at the call, naming the value', () => {
    const c = collector();
    rejects(() => c.setTimer('t', -1, Units.SECONDS), 'non-negative', '-1');
    rejects(() => c.setTimer('t', Number.NaN, Units.SECONDS), 'NaN');
    rejects(() => c.setTimer('t', Number.POSITIVE_INFINITY, Units.SECONDS), 'Infinity');
    rejects(() => c.setTimer('t', untyped<number>('5'), Units.SECONDS), '"5"');
    rejects(() => c.setTimer('t', 1e13, Units.SECONDS), 'too long');
    rejects(() => c.setTimer('t', 1, untyped<Unit>({ name: 'ms', secondsOffset: 1000 })), 'Unit', '"ms"');
    rejects(() => c.setTimer('', 1, Units.SECONDS), '""');
    rejects(() => c.setTimer('t', 1, Units.SECONDS, { timestamp: 10n ** 18n }), 'setTimer("t") timestamp', '1000000000000000000n');
    rejects(() => c.startTimer('t', untyped<Unit>('milliseconds')), '"milliseconds"');
    assert.equal(c.close().timers.length, 0);
  });

  test('a custom Unit reports value = (µs / 1e6) × its seconds_offset', () => {
    const c = collector();
    c.setTimer('minutes', 90_000, new Unit('minutes', 1 / 60));
    assert.equal(c.close().timers[0]?.value, (90_000_000 / 1e6) * (1 / 60));
  });
});

describe('MetricsCollector.startTimer', () => {
  const realHrtime = process.hrtime.bigint;
  const realDateNow = Date.now;
  afterEach(() => {
    process.hrtime.bigint = realHrtime;
    Date.now = realDateNow;
  });

  test('measures with process.hrtime.bigint, unaffected by wall-clock jumps', () => {
    let fakeNanos = 1_000_000_000n;
    process.hrtime.bigint = () => fakeNanos;
    const c = collector();
    const stop = c.startTimer('render', Units.MILLISECONDS, { metadata: { page: 'home' } });
    fakeNanos += 1_500_500n; // 1500.5 µs: a tie, rounds to even 1500 µs
    Date.now = () => realDateNow() - 3_600_000; // the wall clock jumps back an hour
    assert.equal(stop(), 1.5005);
    Date.now = realDateNow;
    const m = c.close();
    assert.equal(m.timers[0]?.value, 1.5);
    assert.deepEqual(m.timers[0]?.metadata, { page: 'home' });
  });

  test('measures real elapsed time and records what it returns', async () => {
    const c = collector();
    const stop = c.startTimer('sleep', Units.MILLISECONDS, { timestamp: T0 });
    await new Promise((resolve) => setTimeout(resolve, 20));
    const ms = stop();
    const timer = c.close().timers[0];
    assert.ok(ms >= 19 && ms < 2000, `measured ${ms} ms`);
    assert.ok(Math.abs((timer?.value ?? 0) - ms) <= 0.0005 + 1e-9);
    assert.equal(timer?.timestamp, T0);
  });

  test('stop() may be called once, and not after close()', () => {
    const c = collector();
    const stop = c.startTimer('once', Units.SECONDS);
    stop();
    rejects(() => stop(), 'already called', '"once"');
    const late = c.startTimer('late', Units.SECONDS);
    c.close();
    assert.throws(() => late(), CollectorClosedError);
  });
});

describe('MetricsCollector dimensions and lifecycle', () => {
  test('dimensions overwrite in place and keep first-insertion order, constructor ones first', () => {
    const c = collector({ env: 'prod', region: 'us-west-2' });
    c.setDimension('region', 'eu-central-1');
    c.setDimension('host', 'api-7');
    c.setDimension('env', 'staging');
    assert.deepEqual(
      c.close().dimensions.map((d) => [d.name, d.value]),
      [
        ['env', 'staging'],
        ['region', 'eu-central-1'],
        ['host', 'api-7'],
      ],
    );
  });

  test('bad dimensions and formats fail at the call', () => {
    rejects(() => collector({ env: untyped<string>(1) }), '1');
    rejects(() => new MetricsCollector('%Y %Q'), '%Q');
    const c = collector();
    rejects(() => c.setDimension('env', untyped<string>(null)), 'null');
    rejects(() => c.setDimension('', 'x'), '""');
  });

  test('close() returns the metrics with the format and no serializedAt', () => {
    const c = new MetricsCollector('%Y-%m-%d %H:%M:%S');
    const m = c.close();
    assert.equal(m.timestampFormat, '%Y-%m-%d %H:%M:%S');
    assert.equal(m.serializedAt, undefined);
    assert.equal(c.closed, true);
  });

  test('every use after close(), including a second close(), throws CollectorClosedError', () => {
    const c = collector();
    c.addCount('x', 1);
    c.close();
    const uses: Array<() => unknown> = [
      () => c.addCount('x', 1),
      () => c.addCount('new', 1, { metadata: { a: 'b' } }),
      () => c.setTimer('t', 1, Units.SECONDS),
      () => c.startTimer('t', Units.SECONDS),
      () => c.setDimension('d', 'v'),
      () => c.close(),
    ];
    for (const use of uses) assert.throws(use, CollectorClosedError);
  });

  test('closing freezes the result: later changes are impossible and the metrics are immutable', () => {
    const c = collector();
    c.addCount('x', 1, { metadata: { k: 'v' } });
    const m = c.close();
    assert.ok(Object.isFrozen(m.counters) && Object.isFrozen(m.counters[0]?.metadata));
  });

  test('later changes to the metadata object passed in do not reach the metrics', () => {
    const c = collector();
    const metadata: Record<string, string> = { k: 'v' };
    c.addCount('x', 1, { metadata });
    c.setTimer('t', 1, Units.SECONDS, { metadata });
    metadata.k = 'changed';
    metadata.extra = 'added';
    const m = c.close();
    assert.deepEqual(m.counters[0]?.metadata, { k: 'v' });
    assert.deepEqual(m.timers[0]?.metadata, { k: 'v' });
  });

  test('default timestamps strictly increase across many metrics', () => {
    const c = collector();
    for (let i = 0; i < 2000; i += 1) c.addCount(`c${i}`, 1);
    const stamps = c.close().counters.map((x) => x.timestamp);
    for (let i = 1; i < stamps.length; i += 1) assert.ok((stamps[i] ?? 0n) > (stamps[i - 1] ?? 0n));
  });

  test('addCount on an existing counter sums exactly over many calls', () => {
    // Its speed is measured in bench/, not asserted here.
    const c = collector();
    c.addCount('hot', 0);
    const n = 200_000;
    for (let i = 0; i < n; i += 1) c.addCount('hot', 1);
    assert.equal(c.close().counters[0]?.value, n);
  });
});

describe('metrics given the same Date get distinct microseconds within its millisecond', () => {
  // A millisecond no other test uses, so the process-wide slots start fresh for it.
  const uniqueDate = (): Date => new Date(Date.UTC(2031, 0, 1) + Math.floor(Math.random() * 1e9));

  test('1,000 collectors of one series with one Date: 1,000 distinct timestamps, all in that millisecond', () => {
    const date = uniqueDate();
    const ms = BigInt(date.getTime()) * 1000n;
    const stamps = new Set<bigint>();
    for (let i = 0; i < 1000; i += 1) {
      // Dimensions in another order are the same series (InfluxDB sorts tags).
      const c = collector(i % 2 === 0 ? { host: 'a', env: 'prod' } : { env: 'prod', host: 'a' });
      c.addCount('records_processed', i, { timestamp: date });
      const t = c.close().counters[0]?.timestamp as bigint;
      assert.ok(t >= ms && t < ms + 1000n, String(t));
      stamps.add(t);
    }
    assert.equal(stamps.size, 1000);
  });

  test('the 1,001st shares a microsecond and is reported; other series and bigint timestamps are untouched', () => {
    const date = uniqueDate();
    const reports: number[] = [];
    const make = (): MetricsCollector =>
      new MetricsCollector(DEFAULT_TIMESTAMP_FORMAT, { host: 'a' }, { onTimestampsShared: (count) => reports.push(count) });
    for (let i = 0; i < 1000; i += 1) {
      const c = make();
      c.addCount('x', 1, { timestamp: date });
      c.close();
    }
    assert.deepEqual(reports, []);
    const c = make();
    c.addCount('x', 1, { timestamp: date });
    c.setTimer('x', 1, Units.MILLISECONDS, { timestamp: date }); // same series: a timer named x
    c.addCount('y', 1, { timestamp: date }); // another series: its own slots
    c.addCount('exact', 1, { timestamp: BigInt(date.getTime()) * 1000n + 7n });
    const m = c.close();
    assert.deepEqual(reports, [2]);
    assert.equal(m.counters[2]?.timestamp, BigInt(date.getTime()) * 1000n + 7n, 'a bigint is kept as given');
  });

  test('a counter and a timer of one name with one Date, in one message, get different microseconds', () => {
    const date = uniqueDate();
    const c = collector();
    c.addCount('render', 1, { timestamp: date });
    c.setTimer('render', 5, Units.MILLISECONDS, { timestamp: date });
    const m = c.close();
    assert.notEqual(m.counters[0]?.timestamp, m.timers[0]?.timestamp);
  });

  test('a format without %f carries no microseconds: the Date is kept as it is', () => {
    const date = uniqueDate();
    const c = new MetricsCollector('%Y-%m-%d %H:%M:%S');
    c.addCount('x', 1, { timestamp: date });
    assert.equal(c.close().counters[0]?.timestamp, BigInt(date.getTime()) * 1000n);
  });

  test('slots start at a random microsecond and go round the millisecond', () => {
    const slots = new SameMillisecondSlots(() => 998);
    const at = 1_000_000n;
    assert.deepEqual(
      [0, 1, 2].map(() => slots.assign('s', at)),
      [{ micros: at + 998n, shared: false }, { micros: at + 999n, shared: false }, { micros: at, shared: false }],
    );
    assert.equal(slots.assign('other', at).micros, at + 998n);
  });

  test('the messages still pass the Python original\'s re-encoding test', () => {
    const date = uniqueDate();
    const messages = Array.from({ length: 20 }, (_, i) => {
      const c = collector({ host: 'a' });
      c.addCount('n', i, { timestamp: date });
      c.setTimer('t', i, Units.MILLISECONDS, { timestamp: date });
      return encodeMetrics(c.close());
    });
    assert.deepEqual(askPython(messages.map((m) => ({ kind: 'message', args: [b64(m)] }))), messages.map(() => 'ok'));
  });
});

describe('MetricsCollector gauges', () => {
  test('setGauge overwrites value, timestamp and metadata in place: the last value set wins', () => {
    const c = collector();
    c.setGauge('queue', 5, { timestamp: T0, metadata: { source: 'a' } });
    c.setGauge('free', 0.25);
    c.setGauge('queue', -2, { timestamp: T0 + 7n });
    c.setGauge('queue', 3n ** 40n, { timestamp: T0 + 9n });
    const m = c.close();
    assert.deepEqual(m.gauges.map((g) => g.name), ['queue', 'free']);
    assert.equal(m.gauges[0]?.value, Number(3n ** 40n));
    assert.equal(m.gauges[0]?.timestamp, T0 + 9n);
    assert.deepEqual(m.gauges[0]?.metadata, { source: 'a' }, 'metadata kept when a later set has none');
    assert.equal(m.counters.length, 0, 'a gauge is not a counter');
  });

  test('a gauge, a counter and a timer may share a name: three metrics', () => {
    const c = collector();
    c.addCount('x', 1);
    c.setTimer('x', 1, Units.MILLISECONDS);
    c.setGauge('x', 1);
    const m = c.close();
    assert.deepEqual([m.counters.length, m.timers.length, m.gauges.length], [1, 1, 1]);
  });

  test('bad names, values, metadata and timestamps fail at the call, naming the value', () => {
    const c = collector();
    rejects(() => c.setGauge('', 1), 'setGauge()', 'gauge name', '""');
    rejects(() => c.setGauge('g', Number.NaN), 'setGauge("g") value must be a finite number', 'NaN');
    rejects(() => c.setGauge('g', Number.POSITIVE_INFINITY), 'Infinity');
    rejects(() => c.setGauge('g', 10n ** 400n), 'finite number');
    rejects(() => c.setGauge('g', untyped<number>('3')), '"3"');
    rejects(() => c.setGauge('g', 1, { metadata: untyped<Record<string, string>>({ n: 1 }) }), 'metadata["n"]');
    rejects(() => c.setGauge('g', 1, { timestamp: untyped<bigint>(5) }), 'setGauge("g") timestamp');
    assert.equal(c.close().gauges.length, 0, 'nothing was recorded by a refused call');
  });

  test('the marker key is reserved in every metadata, so that no counter is taken for a gauge', () => {
    const c = collector();
    const marked = { kadabra_kind: 'gauge' };
    rejects(() => c.setGauge('g', 1, { metadata: marked }), 'setGauge("g") metadata key "kadabra_kind" is reserved', 'rename the key');
    rejects(() => c.addCount('n', 1, { metadata: marked }), 'addCount("n") metadata key "kadabra_kind" is reserved');
    rejects(() => c.setTimer('t', 1, Units.MILLISECONDS, { metadata: { kadabra_kind: 'x' } }), 'setTimer("t")');
  });

  test('setGauge after close() throws CollectorClosedError', () => {
    const c = collector();
    c.close();
    assert.throws(() => c.setGauge('g', 1), CollectorClosedError);
  });

  test('gauges given one Date get distinct microseconds, like counters and timers', () => {
    // A millisecond no other test uses, so the process-wide slots start fresh for it.
    const date = new Date(Date.UTC(2032, 0, 1) + Math.floor(Math.random() * 1e9));
    const stamps = Array.from({ length: 50 }, () => {
      const c = collector({ host: 'gauges' });
      c.setGauge('level', 1, { timestamp: date });
      return c.close().gauges[0]?.timestamp;
    });
    assert.equal(new Set(stamps).size, 50);
    for (const stamp of stamps) assert.equal((stamp as bigint) / 1000n, BigInt(date.getTime()));
  });
});
