import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { TransientPublishError } from '../../../../src/errors/publish-error.js';
import { createLogger } from '../../../../src/logging/logger.js';
import { Counter } from '../../../../src/metrics/counter.js';
import { Metrics } from '../../../../src/metrics/metrics.js';
import { InfluxDBPublisher } from '../../../../src/publishers/influxdb/influxdb-publisher.js';
import { startFakeInflux, type FakeInflux } from './fake-influx.js';

// Regression (found by the chaos suite, all-at-once scenario): an agent restarted while
// influxd was shutting down got `query engine shutdown` for its CREATE DATABASE and logged
// an ERROR telling the operator to create the database by hand.
describe('CREATE DATABASE answered "query engine shutdown" (chaos: logged as a setup error)', () => {
  let fake: FakeInflux;
  before(async () => {
    fake = await startFakeInflux();
  });
  after(async () => {
    await fake.close();
  });

  test('is an outage: transient, logged as unavailable at warn, and retried on the next publish', async () => {
    let shuttingDown = true;
    fake.respond = (request) => {
      if (request.url !== '/query') return { status: 204 };
      return shuttingDown
        ? { status: 200, body: '{"results":[{"statement_id":0,"error":"query engine shutdown"}]}' }
        : { status: 200, body: '{"results":[{"statement_id":0}]}' };
    };
    const lines: string[] = [];
    const logger = createLogger({ level: 'info', destination: { write: (line: string) => lines.push(line) } });
    const publisher = new InfluxDBPublisher({ args: { host: '127.0.0.1', port: fake.port, create_database: true }, logger });
    const message = new Metrics([], [new Counter('c', 1_704_164_645_123_456n, {}, 1)], [], undefined, 'fixed');
    try {
      await assert.rejects(publisher.publish([message]), (error: unknown) => {
        assert.ok(error instanceof TransientPublishError);
        assert.match(error.message, /is unavailable: query engine shutdown/);
        return true;
      });
      const logged = lines.map((line) => JSON.parse(line) as { level: number; msg: string });
      assert.deepEqual(logged.filter((line) => line.level >= 50), [], 'no error-level line');
      assert.ok(logged.some((line) => line.level === 40 && /unavailable: query engine shutdown/.test(line.msg)));

      shuttingDown = false;
      assert.deepEqual(await publisher.publish([message]), { rejected: [] });
      assert.deepEqual(fake.requests.map((r) => r.url), ['/query', '/query', '/write?db=kadabra']);
    } finally {
      await publisher.close();
    }
  });
});
