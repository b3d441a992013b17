import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { MetricsCollector } from '../../../src/client/metrics-collector.js';
import { TransientPublishError } from '../../../src/errors/publish-error.js';
import { createLogger, type KadabraLogger } from '../../../src/logging/logger.js';
import { DEFAULT_TIMESTAMP_FORMAT, type Metrics } from '../../../src/metrics/metrics.js';
import { InfluxDBPublisher } from '../../../src/publishers/influxdb/influxdb-publisher.js';
import type { InfluxDBPublisherArgs } from '../../../src/publishers/influxdb/influxdb-publisher-args.js';
import { INFLUX_ADMIN, startInfluxDB, uniqueDatabase, type InfluxDBServerHandle } from '../../support/influxdb-server.js';

const silent = createLogger({ level: 'silent' });

function counter(name: string, value = 1): Metrics {
  const collector = new MetricsCollector(DEFAULT_TIMESTAMP_FORMAT, { host: 'web-01' });
  collector.addCount(name, value);
  return collector.close();
}

function capturedLogger(): { logger: KadabraLogger; lines: string[] } {
  const lines: string[] = [];
  return { logger: createLogger({ level: 'info', destination: { write: (line: string) => lines.push(line) } }), lines };
}

async function transient(promise: Promise<unknown>, pattern: RegExp): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof TransientPublishError, String(error));
    assert.match(error.message, pattern);
    return true;
  });
}

async function count(server: InfluxDBServerHandle, database: string, measurement: string): Promise<number> {
  const result = await server.query(`SELECT COUNT(value) FROM "${measurement}"`, database);
  return Number(result.results[0]?.series?.[0]?.values?.[0]?.[1] ?? 0);
}

describe('InfluxDB errors, against a real InfluxDB 1.6', () => {
  let server: InfluxDBServerHandle;
  const publishers: InfluxDBPublisher[] = [];

  before(async () => {
    server = await startInfluxDB();
  });
  after(async () => {
    await Promise.all(publishers.map((p) => p.close()));
    await server.dispose();
  });

  function publisher(args: Partial<InfluxDBPublisherArgs>, logger: KadabraLogger = silent): InfluxDBPublisher {
    const p = new InfluxDBPublisher({ args: { host: '127.0.0.1', port: server.port, timeout: 2, ...args }, logger });
    publishers.push(p);
    return p;
  }

  test("a field type conflict among 1,000 good messages: 1,000 written, the bad one rejected with InfluxDB's text", async () => {
    const database = uniqueDatabase('conflict');
    await server.createDatabase(database);
    // Another tool wrote `value` as a string first (InfluxDB 1.x checks types per shard:
    // a week of time, so "now" as for the metrics below).
    const raw = await server.write(database, `conflicted,host=other value="str" ${BigInt(Date.now()) * 1_000_000n}`);
    assert.equal(raw.status, 204);
    const batch = Array.from({ length: 1_001 }, (_, i) => (i === 500 ? counter('conflicted') : counter('good', i)));
    const outcome = await publisher({ database }).publish(batch);
    assert.equal(outcome.rejected.length, 1);
    assert.equal(outcome.rejected[0]?.index, 500);
    assert.match(
      outcome.rejected[0]?.reason ?? '',
      /field type conflict: input field "value" on measurement "conflicted" is type float, already exists as type string/,
    );
    assert.equal(await count(server, database, 'good'), 1_000);
  });

  test('InfluxDB stopped: transient; started again: the same publisher writes', async () => {
    const database = uniqueDatabase('outage');
    await server.createDatabase(database);
    const p = publisher({ database });
    await p.publish([counter('before')]);
    await server.stop();
    try {
      await transient(p.publish([counter('during')]), /unavailable: cannot reach InfluxDB/);
    } finally {
      await server.start();
    }
    const during = counter('during');
    assert.deepEqual(await p.publish([during]), { rejected: [] });
    await p.publish([during]);
    assert.equal(await count(server, database, 'during'), 1);
    assert.equal(await count(server, database, 'before'), 1);
  });

  test('a missing database: transient, logged at error naming CREATE DATABASE; create_database creates it', async () => {
    const database = uniqueDatabase('missing');
    const { logger, lines } = capturedLogger();
    await transient(publisher({ database }, logger).publish([counter('m')]), /database not found/);
    const errors = lines.map((l) => JSON.parse(l) as { level: number; msg: string }).filter((l) => l.level >= 50);
    assert.equal(errors.length, 1);
    assert.ok(errors[0]?.msg.includes(`fix: create the database: CREATE DATABASE "${database}"`), errors[0]?.msg);

    assert.deepEqual(await publisher({ database, create_database: true }).publish([counter('m')]), { rejected: [] });
    assert.equal(await count(server, database, 'm'), 1);
  });

  test('retention_policy: a missing one is transient with the fix; an existing one is written to', async () => {
    const database = uniqueDatabase('rp');
    await server.createDatabase(database);
    await transient(publisher({ database, retention_policy: 'forever' }).publish([counter('r')]), /retention policy not found.*retention_policy/);
    await server.query(`CREATE RETENTION POLICY "forever" ON "${database}" DURATION INF REPLICATION 1`);
    await publisher({ database, retention_policy: 'forever' }).publish([counter('r')]);
    const result = await server.query('SELECT COUNT(value) FROM "forever"."r"', database);
    assert.equal(result.results[0]?.series?.[0]?.values?.[0]?.[1], 1);
  });
});

describe('InfluxDB with authentication on', () => {
  let server: InfluxDBServerHandle;

  before(async () => {
    server = await startInfluxDB({ auth: true });
  });
  after(async () => {
    await server.dispose();
  });

  test('wrong credentials: transient naming the fix, never the password; right ones write', async () => {
    const database = uniqueDatabase('auth');
    await server.createDatabase(database);
    const { logger, lines } = capturedLogger();
    const wrong = new InfluxDBPublisher({ args: { host: '127.0.0.1', port: server.port, database, username: INFLUX_ADMIN.username, password: 'not-the-password' }, logger });
    try {
      await transient(wrong.publish([counter('a')]), /check username\/password or token/);
    } finally {
      await wrong.close();
    }
    assert.ok(!lines.join('\n').includes('not-the-password'));
    const right = new InfluxDBPublisher({ args: { host: '127.0.0.1', port: server.port, database, ...INFLUX_ADMIN }, logger: silent });
    try {
      assert.deepEqual(await right.publish([counter('a')]), { rejected: [] });
    } finally {
      await right.close();
    }
    assert.equal(await count(server, database, 'a'), 1);
  });
});
