import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { MetricsCollector } from '../../../src/client/metrics-collector.js';
import { createLogger } from '../../../src/logging/logger.js';
import { DEFAULT_TIMESTAMP_FORMAT, type Metrics } from '../../../src/metrics/metrics.js';
import { decodeMetrics, encodeMetrics } from '../../../src/wire/codec.js';
import { InfluxDBPublisher } from '../../../src/publishers/influxdb/influxdb-publisher.js';
import { startInfluxDB, uniqueDatabase, type InfluxDBServerHandle } from '../../support/influxdb-server.js';

const silent = createLogger({ level: 'silent' });

// Explicit timestamps overwrote each other: 200 messages of one series with one Date held
// 184 points in InfluxDB, because they all carried the same microsecond and only the
// publisher's 1-in-1000 sub-microsecond offsets kept them apart.
describe('metrics of one series with one Date, against a real InfluxDB 1.6', () => {
  let server: InfluxDBServerHandle;

  before(async () => {
    server = await startInfluxDB();
  });
  after(async () => {
    await server.dispose();
  });

  test('1,000 counters with one Date from one process: 1,000 points and the exact sum; republished: the same', async () => {
    const database = uniqueDatabase('samedate');
    await server.createDatabase(database);
    const sameDate = new Date(Date.UTC(2032, 5, 1, 12) + Math.floor(Math.random() * 1e8));
    const messages: Metrics[] = [];
    for (let i = 0; i < 1000; i += 1) {
      const collector = new MetricsCollector(DEFAULT_TIMESTAMP_FORMAT, { host: 'web-01', program: 'load' });
      collector.addCount('records_processed', i, { timestamp: sameDate });
      messages.push(decodeMetrics(encodeMetrics(collector.close())));
    }
    const publisher = new InfluxDBPublisher({ args: { host: '127.0.0.1', port: server.port, database }, logger: silent });
    try {
      for (let i = 0; i < messages.length; i += 100) await publisher.publish(messages.slice(i, i + 100));
      const query = 'SELECT COUNT(value), SUM(value) FROM "records_processed"';
      const stored = async (): Promise<unknown[] | undefined> => (await server.query(query, database)).results[0]?.series?.[0]?.values?.[0]?.slice(1);
      assert.deepEqual(await stored(), [1000, 499_500]);
      await publisher.publish(messages);
      assert.deepEqual(await stored(), [1000, 499_500], 'republishing writes the same points');
    } finally {
      await publisher.close();
    }
  });
});
