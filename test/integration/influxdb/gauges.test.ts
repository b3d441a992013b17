import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { MetricsCollector } from '../../../src/client/metrics-collector.js';
import { createLogger } from '../../../src/logging/logger.js';
import { DEFAULT_TIMESTAMP_FORMAT, Metrics } from '../../../src/metrics/metrics.js';
import { decodeMetrics, encodeMetrics } from '../../../src/wire/codec.js';
import { InfluxDBPublisher } from '../../../src/publishers/influxdb/influxdb-publisher.js';
import { startInfluxDB, uniqueDatabase, type InfluxDBServerHandle } from '../../support/influxdb-server.js';

const silent = createLogger({ level: 'silent' });

describe('gauges against a real InfluxDB 1.6', () => {
  let server: InfluxDBServerHandle;

  before(async () => {
    server = await startInfluxDB();
  });
  after(async () => {
    await server.dispose();
  });

  test('a gauge is a point of its name with the field kadabra_kind="gauge", from either wire form; a counter of the same name is not', async () => {
    const database = uniqueDatabase('gauges');
    await server.createDatabase(database);
    const at = 1_900_000_000_000_000n + BigInt(Math.floor(Math.random() * 1e9));
    const collector = new MetricsCollector(DEFAULT_TIMESTAMP_FORMAT, { host: 'web-01' });
    collector.addCount('queue', 4, { timestamp: at });
    collector.setGauge('queue', 17, { timestamp: at + 1n, metadata: { pool: 'db' } });
    collector.setGauge('queue', 12, { timestamp: at + 2n, metadata: { pool: 'db' } }); // the last value wins
    const closed = collector.close();
    // One serialization time for both forms: it is part of the content the points' timestamps derive from.
    const metrics = new Metrics(closed.dimensions, closed.counters, closed.timers, closed.timestampFormat, '2030-03-17T17:46:40.000000Z', closed.gauges);
    const publisher = new InfluxDBPublisher({ args: { host: '127.0.0.1', port: server.port, database }, logger: silent });
    try {
      // As the agent receives it from the list (marked counter) and from a stream (gauges array): the same points.
      await publisher.publish([decodeMetrics(encodeMetrics(metrics, 'python'))]);
      await publisher.publish([decodeMetrics(encodeMetrics(metrics, 'extended'))]);
      const rows = async (query: string): Promise<unknown[][]> =>
        ((await server.query(query, database)).results[0]?.series?.[0]?.values ?? []).map((row) => row.slice(1));
      assert.deepEqual(await rows(`SELECT value, pool FROM "queue" WHERE kadabra_kind = 'gauge'`), [[12, 'db']]);
      // One counter and one gauge point, whichever form carried them; the counter has no marker.
      assert.deepEqual(await rows('SELECT value, kadabra_kind FROM "queue"'), [[4, null], [12, 'gauge']]);
    } finally {
      await publisher.close();
    }
  });
});
