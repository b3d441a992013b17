import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createLogger } from '../../../src/logging/logger.js';
import { Counter } from '../../../src/metrics/counter.js';
import { Dimension } from '../../../src/metrics/dimension.js';
import { Metrics } from '../../../src/metrics/metrics.js';
import { decodeMetrics } from '../../../src/wire/codec.js';
import { InfluxDBPublisher } from '../../../src/publishers/influxdb/influxdb-publisher.js';
import { decodeStoredText } from '../../../src/publishers/influxdb/stored-text.js';
import { readFixture, wireFixtureNames } from '../../support/fixtures.js';
import { startVictoriaMetrics, type VictoriaMetricsHandle } from '../../support/victoria-metrics-server.js';

const silent = createLogger({ level: 'silent' });

/**
 * `name{labels} value @time`, decoded, for comparing sets of samples. VictoriaMetrics
 * keeps about 12 significant digits and milliseconds; time is compared at `resolutionMs`.
 */
function sampleKey(name: string, labels: Readonly<Record<string, string>>, value: number, ms: number, resolutionMs: number): string {
  const sorted = Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return JSON.stringify([name, sorted, Number(value.toPrecision(12)), Math.floor(ms / resolutionMs)]);
}

// VictoriaMetrics speaks /api/v2/write (Debian's InfluxDB 1.6 does not). It keeps only
// numeric fields, as series named <measurement>_<field>, with millisecond timestamps.
describe('api v2 (/api/v2/write) against a real VictoriaMetrics', () => {
  let vm: VictoriaMetricsHandle;
  let publisher: InfluxDBPublisher;

  before(async () => {
    vm = await startVictoriaMetrics();
    publisher = new InfluxDBPublisher({ args: { host: '127.0.0.1', port: vm.port, api: 'v2', org: 'acme', bucket: 'metrics', token: 'secret-token' }, logger: silent });
  });
  after(async () => {
    await publisher.close();
    await vm.dispose();
  });

  test('every fixture message lands: one value sample per metric, names and labels as given', async () => {
    // VictoriaMetrics 1.79 drops (answering 204) lines whose string fields hold spaces or
    // escaped quotes, as special_chars' do; InfluxDB does not (see fixtures.test.ts).
    const names = wireFixtureNames().filter((name) => name !== 'special_chars');
    const messages = names.map((name) => decodeMetrics(readFixture(`${name}.json`)));
    // custom_timestamp_format keeps whole seconds only; the rest microseconds.
    const resolutionMs = names.includes('custom_timestamp_format') ? 1000 : 1;
    assert.deepEqual(await publisher.publish(messages), { rejected: [] });
    const expected = messages.flatMap((m) => {
      const labels = Object.fromEntries(m.dimensions.map((d) => [d.name, d.value]));
      return [...m.timers, ...m.counters].map((metric) =>
        sampleKey(`${metric.name}_value`, labels, metric.value, Number(metric.timestamp / 1000n), resolutionMs),
      );
    });
    const exported = await vm.exportSeries('{__name__=~".+_value"}');
    const actual = exported.flatMap((series) => {
      const { __name__: name = '', ...labels } = series.metric;
      const decodedLabels = Object.fromEntries(Object.entries(labels).map(([k, v]) => [decodeStoredText(k), decodeStoredText(v)]));
      // The measurement is stored encoded; "_value" is VictoriaMetrics' suffix.
      const measurement = decodeStoredText(name.slice(0, -'_value'.length));
      return series.values.map((value, i) =>
        sampleKey(`${measurement}_value`, decodedLabels, value, series.timestamps[i] ?? 0, resolutionMs),
      );
    });
    assert.deepEqual(actual.sort(), expected.sort());
  });

  test('a line feed in metadata cannot start a second point: the v2 API writes it as ␛000A', async () => {
    const note = 'ok\ninjected_v2,host=evil value=666 1704164645000000000\nx';
    const metrics = new Metrics([new Dimension('host', 'safe')], [new Counter('guarded', 1_704_164_645_123_456n, { note }, 1)], []);
    assert.deepEqual(await publisher.publish([metrics]), { rejected: [] });
    assert.deepEqual(await vm.exportSeries('{__name__=~"injected_v2.*"}'), []);
  });

  test('why: through the v1 API (raw line feeds, right for InfluxDB 1.x) this server would take a second point', async () => {
    const v1 = new InfluxDBPublisher({ args: { host: '127.0.0.1', port: vm.port }, logger: silent });
    try {
      const note = 'ok\ninjected_v1,host=evil value=666 1704164645000000000\nx';
      const metrics = new Metrics([new Dimension('host', 'safe')], [new Counter('guarded', 1_704_164_645_123_456n, { note }, 1)], []);
      await v1.publish([metrics]);
    } finally {
      await v1.close();
    }
    assert.equal((await vm.exportSeries('{__name__=~"injected_v1.*"}')).length, 1);
  });
});
