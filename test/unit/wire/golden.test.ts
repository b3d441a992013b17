import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { MetricsCollector } from '../../../src/client/metrics-collector.js';
import { WireFormatError } from '../../../src/errors/wire-format-error.js';
import { Metrics, DEFAULT_TIMESTAMP_FORMAT } from '../../../src/metrics/metrics.js';
import { formatTimestamp } from '../../support/timestamp-text.js';
import { Units } from '../../../src/metrics/unit.js';
import { decodeMetrics, encodeMetrics } from '../../../src/wire/codec.js';
import { invalidFixtureNames, readFixture, wireFixtureNames } from '../../support/fixtures.js';

/*
 * Golden tests against the bytes the Python Kadabra 0.5.0 client produced
 * (shared/fixtures/python-wire). Each message is rebuilt here through MetricsCollector
 * from the README's description, never from the fixture's bytes; only `serialized_at`
 * (the capture time) is taken from the file.
 */

const BASE = BigInt(Date.UTC(2024, 0, 2, 3, 4, 5)) * 1000n + 123_456n; // 2024-01-02T03:04:05.123456Z

/** BASE plus whole seconds plus microseconds. */
function at(seconds: number, micros = 0): bigint {
  return BASE + BigInt(seconds) * 1_000_000n + BigInt(micros);
}

const SCENARIOS: Record<string, () => MetricsCollector> = {
  counters_only() {
    const c = new MetricsCollector(DEFAULT_TIMESTAMP_FORMAT);
    c.addCount('requests', 1, { timestamp: at(0) });
    c.addCount('requests', 2, { timestamp: at(30) });
    c.addCount('bytes_sent', 1024, { timestamp: at(1) });
    return c;
  },
  counter_values() {
    const c = new MetricsCollector(DEFAULT_TIMESTAMP_FORMAT);
    c.addCount('int_value', 7, { timestamp: at(0, 0) });
    c.addCount('float_sum', 0.1, { timestamp: at(0, 1) });
    c.addCount('float_sum', 0.2, { timestamp: at(9) });
    c.addCount('negative', -5, { timestamp: at(0, 2) });
    c.addCount('huge', 1e20, { timestamp: at(0, 3) });
    c.addCount('tiny', 1e-7, { timestamp: at(0, 4) });
    c.addCount('zero', 0, { timestamp: at(0, 5) });
    c.addCount('replaced_ts', 1, { timestamp: at(0, 6) });
    c.addCount('replaced_ts', 1, { timestamp: at(7), replaceTimestamp: true });
    return c;
  },
  timers_seconds() {
    const c = new MetricsCollector(DEFAULT_TIMESTAMP_FORMAT);
    c.setTimer('job_duration', 2500, Units.SECONDS, { timestamp: at(0) });
    c.setTimer('tiny_job', 0.001, Units.SECONDS, { timestamp: at(1) });
    c.setTimer('overwritten', 5000, Units.MILLISECONDS, { timestamp: at(2) });
    c.setTimer('overwritten', (86_400 + 3) * 1000, Units.SECONDS, { timestamp: at(3) });
    return c;
  },
  timers_milliseconds() {
    const c = new MetricsCollector(DEFAULT_TIMESTAMP_FORMAT);
    c.setTimer('db_query', 123.456, Units.MILLISECONDS, { timestamp: at(0) });
    c.setTimer('render', 1500, Units.MILLISECONDS, { timestamp: at(1) });
    c.setTimer('cache_hit', 0.007, Units.MILLISECONDS, { timestamp: at(2) });
    return c;
  },
  dimensions() {
    const c = new MetricsCollector(DEFAULT_TIMESTAMP_FORMAT);
    c.setDimension('host', 'web-00');
    c.setDimension('service', 'cart');
    c.setDimension('region', 'us-east-1');
    c.setDimension('host', 'web-01');
    c.addCount('requests', 1, { timestamp: at(0) });
    c.setTimer('latency', 250, Units.MILLISECONDS, { timestamp: at(0) });
    return c;
  },
  default_dimensions() {
    const c = new MetricsCollector(DEFAULT_TIMESTAMP_FORMAT, { env: 'prod', region: 'us-west-2' });
    c.setDimension('region', 'eu-central-1');
    c.setDimension('host', 'api-7');
    c.addCount('logins', 1, { timestamp: at(0) });
    return c;
  },
  metadata() {
    const c = new MetricsCollector(DEFAULT_TIMESTAMP_FORMAT);
    c.setDimension('host', 'web-02');
    c.addCount('orders', 1, { timestamp: at(0), metadata: { order_id: 'A-1001', currency: 'USD' } });
    c.addCount('orders', 1);
    c.addCount('refunds', 1, { timestamp: at(1), metadata: { reason: 'first' } });
    c.addCount('refunds', 1, { metadata: { reason: 'second' } });
    c.addCount('plain', 1, { timestamp: at(2) });
    c.setTimer('checkout_time', 9, Units.MILLISECONDS, { timestamp: at(2), metadata: { path: '/checkout', status: '200' } });
    c.setTimer('checkout_time', 1.5, Units.MILLISECONDS, { timestamp: at(3) });
    c.setTimer('reserved_keys', 4000, Units.SECONDS, {
      timestamp: at(4),
      metadata: { value: 'meta-value', unit: 'meta-unit', note: 'x' },
    });
    return c;
  },
  empty() {
    return new MetricsCollector(DEFAULT_TIMESTAMP_FORMAT);
  },
  special_chars() {
    const tricky = 'a b,c=d"e\'f\\g\nh\ti';
    const c = new MetricsCollector(DEFAULT_TIMESTAMP_FORMAT);
    c.setDimension('dim with space', 'v a,l=u"e');
    c.setDimension('dim,comma=eq', 'back\\slash\nnewline');
    c.setDimension('unicode_dim', 'café 日本 🚀');
    c.addCount(`counter ${tricky}`, 1, {
      timestamp: at(0, 0),
      metadata: { 'meta key,="': tricky, emoji: '🚀 üß', empty: '' },
    });
    c.addCount('zähler_üñîçødé', 2, { timestamp: at(0, 1) });
    c.setTimer(`timer ${tricky}`, 42, Units.MILLISECONDS, {
      timestamp: at(0, 2),
      metadata: { 'q"uote': 'say "hi"\\n', nl: 'line1\nline2' },
    });
    return c;
  },
  trailing_backslash() {
    const c = new MetricsCollector(DEFAULT_TIMESTAMP_FORMAT);
    c.setDimension('path', 'C:\\temp\\');
    c.addCount('files', 3, { timestamp: at(0) });
    return c;
  },
  unicode_only() {
    const c = new MetricsCollector(DEFAULT_TIMESTAMP_FORMAT);
    c.setDimension('région', '東京');
    c.addCount('計数', 1, { timestamp: at(0), metadata: { clé: 'été 😀' } });
    c.setTimer('длительность', 3, Units.MILLISECONDS, { timestamp: at(0) });
    return c;
  },
  custom_timestamp_format() {
    const c = new MetricsCollector('%Y-%m-%d %H:%M:%S');
    c.addCount('requests', 1, { timestamp: at(0) });
    c.setTimer('latency', 5, Units.MILLISECONDS, { timestamp: at(0) });
    return c;
  },
  timers_rounding() {
    const c = new MetricsCollector(DEFAULT_TIMESTAMP_FORMAT);
    c.setTimer('t1005us', 1.005, Units.MILLISECONDS, { timestamp: at(0) });
    c.setTimer('t9us', 0.009, Units.MILLISECONDS, { timestamp: at(1) });
    c.setTimer('t21us', 0.021, Units.MILLISECONDS, { timestamp: at(2) });
    c.setTimer('t16_6665ms', 16.6665, Units.MILLISECONDS, { timestamp: at(3) });
    c.setTimer('t16_6675ms', 16.6675, Units.MILLISECONDS, { timestamp: at(4) });
    c.setTimer('t2_0000005s', 2000.0005, Units.SECONDS, { timestamp: at(5) });
    return c;
  },
  control_chars() {
    const c = new MetricsCollector(DEFAULT_TIMESTAMP_FORMAT);
    c.setDimension('ctl', 'del\x7fbell\x07nul\x00esc\x1b');
    c.addCount('ctl\x7fcount', 1, { timestamp: at(0), metadata: { 'k\x01': 'v\x1f\x7f\b\f\r' } });
    return c;
  },
};

/** The collector's metrics, stamped with the fixture's capture time. */
function rebuild(name: string, raw: Buffer): Metrics {
  const scenario = SCENARIOS[name];
  assert.ok(scenario, `no scenario for fixture ${name}.json: add one to SCENARIOS`);
  const m = scenario().close();
  const serializedAt = (JSON.parse(raw.toString('utf8')) as { serialized_at: string }).serialized_at;
  return new Metrics(m.dimensions, m.counters, m.timers, m.timestampFormat, serializedAt);
}

/** Everything a publisher reads, as plain data, timestamps at the wire's precision. */
function content(m: Metrics): unknown {
  const ts = (micros: bigint): string => formatTimestamp(micros, m.timestampFormat);
  return {
    dimensions: m.dimensions.map((d) => [d.name, d.value]),
    counters: m.counters.map((c) => [c.name, ts(c.timestamp), { ...c.metadata }, c.value]),
    timers: m.timers.map((t) => [t.name, ts(t.timestamp), { ...t.metadata }, t.value, t.unit]),
    timestampFormat: m.timestampFormat,
    serializedAt: m.serializedAt,
  };
}

describe('python-wire fixtures', () => {
  test('every fixture has a scenario and every scenario a fixture', () => {
    assert.deepEqual(wireFixtureNames(), Object.keys(SCENARIOS).sort());
  });

  for (const name of wireFixtureNames()) {
    describe(`${name}.json`, () => {
      const raw = readFixture(`${name}.json`);

      test('MetricsCollector + encodeMetrics reproduce the Python bytes', () => {
        assert.equal(encodeMetrics(rebuild(name, raw)), raw.toString('utf8'));
      });

      test('decodeMetrics then encodeMetrics gives the bytes back', () => {
        assert.equal(encodeMetrics(decodeMetrics(raw)), raw.toString('utf8'));
        assert.equal(encodeMetrics(decodeMetrics(raw.toString('utf8'))), raw.toString('utf8'));
      });

      test('decodeMetrics yields the content the collector built', () => {
        assert.deepEqual(content(decodeMetrics(raw)), content(rebuild(name, raw)));
      });
    });
  }

  for (const name of invalidFixtureNames()) {
    test(`invalid/${name}.json is rejected with a WireFormatError`, () => {
      assert.throws(() => decodeMetrics(readFixture(`invalid/${name}.json`)), WireFormatError);
    });
  }

  test('invalid/nan_inf.json names the NaN/Infinity tokens as the reason', () => {
    assert.throws(
      () => decodeMetrics(readFixture('invalid/nan_inf.json')),
      (error: unknown) =>
        error instanceof WireFormatError && /^not JSON: .*\(NaN\/Infinity are not valid JSON\)$/s.test(error.message),
    );
  });
});
