import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import { createLogger } from '../../../src/logging/logger.js';
import { Counter } from '../../../src/metrics/counter.js';
import { Dimension } from '../../../src/metrics/dimension.js';
import { Metrics } from '../../../src/metrics/metrics.js';
import { Timer } from '../../../src/metrics/timer.js';
import { Units } from '../../../src/metrics/unit.js';
import { InfluxDBPublisher } from '../../../src/publishers/influxdb/influxdb-publisher.js';
import { startInfluxDB, uniqueDatabase, type InfluxDBServerHandle } from '../../support/influxdb-server.js';
import { comparableSet, expectedPoints, readPoints } from './stored-points.js';
import { anyText } from '../../support/awkward-text.js';

const silent = createLogger({ level: 'silent' });

const anyMetadata = fc.dictionary(anyText, anyText, { maxKeys: 3, noNullPrototype: true });

const anyContent = fc
  .record({
    dimensions: fc.uniqueArray(fc.tuple(anyText, anyText), { maxLength: 3, selector: ([name]) => name }),
    counterName: anyText,
    timerName: anyText,
    sameName: fc.boolean(),
    counterMetadata: anyMetadata,
    timerMetadata: anyMetadata,
    value: fc.double({ noNaN: true, noDefaultInfinity: true }),
  })
  .map((m) => (at: bigint) =>
    new Metrics(
      m.dimensions.map(([name, value]) => new Dimension(name, value)),
      [new Counter(m.counterName, at, m.counterMetadata, m.value)],
      [new Timer(m.sameName ? m.counterName : m.timerName, at, m.timerMetadata, 1.5, Units.MILLISECONDS)],
    ),
  );

const anyMessage = anyContent.map((build) => build(1_704_164_645_123_456n));

/** Several messages for one request, a millisecond apart. */
const anyBatch = fc
  .array(anyContent, { minLength: 2, maxLength: 6 })
  .map((builds) => builds.map((build, i) => build(1_704_164_645_123_456n + BigInt(i) * 1000n)));

describe('escaping against a real InfluxDB 1.6: what goes in comes back out', () => {
  let server: InfluxDBServerHandle;

  before(async () => {
    server = await startInfluxDB();
  });
  after(async () => {
    await server.dispose();
  });

  test('random names, tag keys/values, field keys/values round-trip exactly through influxd', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(anyMessage, async (metrics) => {
        run += 1;
        const database = uniqueDatabase(`escape${run}`);
        const publisher = new InfluxDBPublisher({ args: { host: '127.0.0.1', port: server.port, database, create_database: true }, logger: silent });
        try {
          const outcome = await publisher.publish([metrics]);
          assert.deepEqual(outcome.rejected, []);
          const stored = await readPoints(server, database);
          // Exactly the two points, every tag and field exactly as given: nothing added,
          // lost, merged or altered in a neighbour.
          assert.deepEqual(comparableSet(stored), comparableSet(expectedPoints(metrics)));
        } finally {
          await publisher.close();
          await server.query(`DROP DATABASE "${database}"`);
        }
      }),
      { numRuns: 300 },
    );
  });

  test('random messages side by side in one request: each point exactly as given, no neighbour disturbed', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(anyBatch, async (batch) => {
        run += 1;
        const database = uniqueDatabase(`escape_batch${run}`);
        await server.createDatabase(database);
        const publisher = new InfluxDBPublisher({ args: { host: '127.0.0.1', port: server.port, database }, logger: silent });
        try {
          assert.deepEqual(await publisher.publish(batch), { rejected: [] });
          const stored = await readPoints(server, database);
          assert.deepEqual(comparableSet(stored), comparableSet(batch.flatMap(expectedPoints)));
        } finally {
          await publisher.close();
          await server.query(`DROP DATABASE "${database}"`);
        }
      }),
      { numRuns: 100 },
    );
  });
});
