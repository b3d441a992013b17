import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createLogger } from '../../../src/logging/logger.js';
import { decodeMetrics } from '../../../src/wire/codec.js';
import { InfluxDBPublisher } from '../../../src/publishers/influxdb/influxdb-publisher.js';
import { timestampResolutionNs } from '../../../src/publishers/influxdb/point-timestamps.js';
import { readFixture, WIRE_FIXTURES_DIR, wireFixtureNames } from '../../support/fixtures.js';
import {
  startInfluxDB,
  uniqueDatabase,
  type InfluxDBServerHandle,
  type InfluxQueryResult,
  type InfluxSeries,
} from '../../support/influxdb-server.js';
import { comparable, comparableSet, expectedPoints, readPoints, rfc3339ToNanos, type StoredPoint } from './stored-points.js';

const silent = createLogger({ level: 'silent' });
const SHOW_QUERIES = ['SHOW MEASUREMENTS', 'SHOW SERIES', 'SHOW TAG KEYS', 'SHOW FIELD KEYS'] as const;

interface Capture {
  readonly queries: Readonly<Record<string, InfluxQueryResult>>;
}

function capture(name: string): Capture {
  return JSON.parse(readFileSync(join(WIRE_FIXTURES_DIR, `${name}.influx.json`), 'utf8')) as Capture;
}

function seriesOf(result: InfluxQueryResult | undefined): readonly InfluxSeries[] {
  return result?.results[0]?.series ?? [];
}

/** The points of a capture's `SELECT * FROM /.*\/` (no GROUP BY: tags told apart by SHOW TAG KEYS). */
function capturedPoints(c: Capture): StoredPoint[] {
  const tagKeys = new Map(seriesOf(c.queries['SHOW TAG KEYS']).map((s) => [s.name, new Set((s.values ?? []).map((v) => String(v[0])))]));
  return seriesOf(c.queries['SELECT * FROM /.*/']).flatMap((series) =>
    (series.values ?? []).map((row) => {
      const tags: Record<string, string> = {};
      const fields: Record<string, string | number> = {};
      let nanos = 0n;
      series.columns.forEach((column, i) => {
        const cell = row[i];
        if (column === 'time') nanos = rfc3339ToNanos(String(cell));
        else if (cell === null || cell === undefined) return;
        else if (tagKeys.get(series.name)?.has(column)) tags[column] = String(cell);
        else fields[column] = cell as string | number;
      });
      return { measurement: series.name ?? '', tags, fields, micros: nanos / 1000n, nanos };
    }),
  );
}

describe('the python-wire fixtures published into a real InfluxDB 1.6', () => {
  let server: InfluxDBServerHandle;
  const publishers: InfluxDBPublisher[] = [];

  before(async () => {
    server = await startInfluxDB();
  });
  after(async () => {
    await Promise.all(publishers.map((p) => p.close()));
    await server.dispose();
  });

  async function publishFixture(name: string): Promise<string> {
    const database = uniqueDatabase(name.replace(/\W/g, '_'));
    await server.createDatabase(database);
    const publisher = new InfluxDBPublisher({ args: { host: '127.0.0.1', port: server.port, database }, logger: silent });
    publishers.push(publisher);
    const outcome = await publisher.publish([decodeMetrics(readFixture(`${name}.json`))]);
    assert.deepEqual(outcome.rejected, [], name);
    return database;
  }

  for (const name of wireFixtureNames()) {
    test(`${name}: every metric lands with its measurement, tags, fields, value and time; republishing adds nothing`, async () => {
      const metrics = decodeMetrics(readFixture(`${name}.json`));
      const database = await publishFixture(name);
      const stored = await readPoints(server, database);
      // Time is kept to the format's precision (a second for custom_timestamp_format).
      const resolution = BigInt(timestampResolutionNs(metrics.timestampFormat) / 1000);
      const atResolution = (p: StoredPoint): StoredPoint => ({ ...p, micros: (p.micros / resolution) * resolution });
      assert.deepEqual(comparableSet(stored.map(atResolution)), comparableSet(expectedPoints(metrics)));
      const again = new InfluxDBPublisher({ args: { host: '127.0.0.1', port: server.port, database }, logger: silent });
      publishers.push(again);
      await again.publish([decodeMetrics(readFixture(`${name}.json`))]);
      assert.deepEqual(await readPoints(server, database), stored, 'same points, same nanoseconds');
    });
  }

  test('all fixtures in one batch (one request): every point, none disturbing its neighbours', async () => {
    const messages = wireFixtureNames().map((name) => decodeMetrics(readFixture(`${name}.json`)));
    const database = uniqueDatabase('all_fixtures');
    await server.createDatabase(database);
    const publisher = new InfluxDBPublisher({ args: { host: '127.0.0.1', port: server.port, database }, logger: silent });
    publishers.push(publisher);
    assert.deepEqual(await publisher.publish(messages), { rejected: [] });
    const stored = await readPoints(server, database);
    assert.equal(stored.length, messages.reduce((n, m) => n + m.counters.length + m.timers.length, 0));
    const expected = messages.flatMap(expectedPoints);
    // Without the time: custom_timestamp_format keeps only the second.
    const key = (p: StoredPoint): string => JSON.stringify(comparable({ ...p, micros: 0n }));
    assert.deepEqual(stored.map(key).sort(), expected.map(key).sort());
  });

  for (const name of ['dimensions', 'metadata']) {
    test(`${name}: the same series, keys and points as the Python original stored`, async () => {
      const database = await publishFixture(name);
      const golden = capture(name);
      for (const q of SHOW_QUERIES) {
        assert.deepEqual(await server.query(q, database), golden.queries[q], q);
      }
      assert.deepEqual(comparableSet(await readPoints(server, database, { raw: true })), comparableSet(capturedPoints(golden)));
    });
  }

  test('special_chars: stored as given where the original doubled backslashes and flattened newlines', async () => {
    const database = await publishFixture('special_chars');
    const golden = capturedPoints(capture('special_chars'));
    const ours = await readPoints(server, database, { raw: true });
    const measurements = (points: StoredPoint[]): string[] => [...new Set(points.map((p) => p.measurement))].sort();
    // The original: backslash doubled, newline turned into the two characters "\n".
    assert.deepEqual(measurements(golden), ['counter a b,c=d"e\'f\\\\g\\nh\ti', 'timer a b,c=d"e\'f\\\\g\\nh\ti', 'zähler_üñîçødé']);
    // Ours: the backslash as given; the newline, which no identifier can hold, as ␛000A.
    assert.deepEqual(measurements(ours), ['counter a b,c=d"e\'f\\g\u241B000Ah\ti', 'timer a b,c=d"e\'f\\g\u241B000Ah\ti', 'zähler_üñîçødé']);
    const timer = ours.find((p) => p.measurement.startsWith('timer'));
    assert.deepEqual(timer?.tags, {
      'dim with space': 'v a,l=u"e',
      'dim,comma=eq': 'back\\slash\u241B000Anewline',
      unicode_dim: 'café 日本 🚀',
    });
    // String fields hold real newlines; the original stored "line1\\nline2".
    assert.equal(timer?.fields['nl'], 'line1\nline2');
    assert.equal(golden.find((p) => p.measurement.startsWith('timer'))?.fields['nl'], 'line1\\nline2');
    assert.equal(timer?.fields['q"uote'], 'say "hi"\\n');
    const counter = ours.find((p) => p.measurement.startsWith('counter'));
    assert.equal(counter?.fields['meta key,="'], 'a b,c=d"e\'f\\g\nh\ti');
    assert.equal(counter?.fields['empty'], '');
  });

  test('trailing_backslash: stored (the backslash as ␛005C) where the original was refused for ever', async () => {
    assert.ok(capture('trailing_backslash').queries['SHOW SERIES']?.results[0]?.series === undefined);
    const database = await publishFixture('trailing_backslash');
    const ours = await readPoints(server, database, { raw: true });
    assert.deepEqual(ours.map((p) => [p.measurement, p.tags, p.fields]), [['files', { path: 'C:\\temp\u241B005C' }, { value: 3 }]]);
    assert.deepEqual((await readPoints(server, database)).map((p) => p.tags), [{ path: 'C:\\temp\\' }]);
  });
});
