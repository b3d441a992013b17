import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { MetricsCollector } from '../../../src/client/metrics-collector.js';
import { createLogger } from '../../../src/logging/logger.js';
import { DEFAULT_TIMESTAMP_FORMAT, type Metrics } from '../../../src/metrics/metrics.js';
import { Units } from '../../../src/metrics/unit.js';
import { decodeMetrics, encodeMetrics } from '../../../src/wire/codec.js';
import { InfluxDBPublisher } from '../../../src/publishers/influxdb/influxdb-publisher.js';
import { startInfluxDB, uniqueDatabase, type InfluxDBServerHandle } from '../../support/influxdb-server.js';

const silent = createLogger({ level: 'silent' });

async function countAndSum(server: InfluxDBServerHandle, database: string, measurement: string): Promise<[number, number]> {
  const result = await server.query(`SELECT COUNT(value), SUM(value) FROM "${measurement}"`, database);
  const row = result.results[0]?.series?.[0]?.values?.[0];
  return [Number(row?.[1] ?? 0), Number(row?.[2] ?? 0)];
}

describe('volume and idempotence against a real InfluxDB 1.6', () => {
  let server: InfluxDBServerHandle;

  before(async () => {
    server = await startInfluxDB();
  });
  after(async () => {
    await server.dispose();
  });

  test('10,000 collectors with identical names and dimensions: 10,000 points, exact sum; again: still 10,000', async () => {
    const database = uniqueDatabase('volume');
    await server.createDatabase(database);
    const messages: Metrics[] = [];
    let sent = 0;
    for (let i = 0; i < 10_000; i += 1) {
      // Default timestamps: strictly increasing within this process.
      const collector = new MetricsCollector(DEFAULT_TIMESTAMP_FORMAT, { host: 'web-01', program: 'load' });
      const value = (i % 7) + 1;
      collector.addCount('requests', value);
      collector.setTimer('requests', 1.5, Units.MILLISECONDS);
      sent += value;
      // Through the wire, as the agent sees them.
      messages.push(decodeMetrics(encodeMetrics(collector.close())));
    }
    const publisher = new InfluxDBPublisher({ args: { host: '127.0.0.1', port: server.port, database }, logger: silent });
    try {
      for (let i = 0; i < messages.length; i += 2_500) {
        assert.deepEqual(await publisher.publish(messages.slice(i, i + 2_500)), { rejected: [] });
      }
      const [count, sum] = await countAndSum(server, database, 'requests');
      // Each collector has a counter and a timer named alike: 20,000 points in all.
      assert.equal(count, 20_000);
      assert.equal(sum, sent + 10_000 * 1.5);
      const timers = await server.query(`SELECT COUNT(value), SUM(value) FROM "requests" WHERE "unit" = 'milliseconds'`, database);
      assert.deepEqual(timers.results[0]?.series?.[0]?.values?.[0]?.slice(1), [10_000, 15_000]);

      // Republished in other batch shapes: nothing doubles.
      assert.deepEqual(await publisher.publish(messages), { rejected: [] });
      assert.deepEqual(await countAndSum(server, database, 'requests'), [20_000, sent + 10_000 * 1.5]);
    } finally {
      await publisher.close();
    }
  });
});
