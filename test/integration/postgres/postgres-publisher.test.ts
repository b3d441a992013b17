import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { TransientPublishError } from '../../../src/errors/publish-error.js';
import { createLogger } from '../../../src/logging/logger.js';
import { Counter } from '../../../src/metrics/counter.js';
import { Dimension } from '../../../src/metrics/dimension.js';
import { Metrics } from '../../../src/metrics/metrics.js';
import { Timer } from '../../../src/metrics/timer.js';
import { Gauge } from '../../../src/metrics/gauge.js';
import { Units } from '../../../src/metrics/unit.js';
import { PostgresPublisher } from '../../../src/publishers/postgres/postgres-publisher.js';
import type { PostgresPublisherArgs } from '../../../src/publishers/postgres/postgres-publisher-args.js';
import { SchemaVersionError } from '../../../src/publishers/postgres/postgres-schema.js';
import { anyText } from '../../support/awkward-text.js';
import { POSTGRES_ADMIN, startPostgresServer, type PostgresServerHandle } from '../../support/postgres-server.js';
import { expectedRows, readRows, type StoredRow } from './stored-rows.js';

const silent = createLogger({ level: 'silent' });
const AT = 1_704_164_645_123_456n;

function message(name: string, value: number, at = AT, dimensions: readonly [string, string][] = [['host', 'a']]): Metrics {
  return new Metrics(
    dimensions.map(([key, text]) => new Dimension(key, text)),
    [new Counter(name, at, { note: 'n' }, value)],
    [new Timer(`${name}.time`, at + 1n, {}, 1.5, Units.MILLISECONDS)],
  );
}

const bySortKey = (rows: readonly StoredRow[]): StoredRow[] => [...rows].sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));

const anyMetadata = fc.dictionary(anyText, anyText, { maxKeys: 3, noNullPrototype: true });

/** A message of random text everywhere, with values PostgreSQL stores as they are (-0, NaN, infinities too). */
const anyMessage = fc
  .record({
    dimensions: fc.array(fc.tuple(anyText, anyText), { maxLength: 3 }),
    counterName: anyText,
    timerName: anyText,
    gaugeName: anyText,
    counterMetadata: anyMetadata,
    timerMetadata: anyMetadata,
    gaugeMetadata: anyMetadata,
    value: fc.double(),
    level: fc.double(),
    micros: fc.bigInt({ min: -62_135_596_800_000_000n, max: 253_402_300_799_999_999n }),
  })
  .map(
    (m) =>
      new Metrics(
        m.dimensions.map(([name, value]) => new Dimension(name, value)),
        [new Counter(m.counterName, m.micros, m.counterMetadata, m.value)],
        [new Timer(m.timerName, m.micros, m.timerMetadata, 2.25, Units.SECONDS)],
        undefined,
        undefined,
        [new Gauge(m.gaugeName, m.micros, m.gaugeMetadata, m.level)],
      ),
  );

describe('PostgresPublisher against a private PostgreSQL', () => {
  let server: PostgresServerHandle;
  before(async () => {
    server = await startPostgresServer();
  });
  after(async () => {
    await server?.dispose();
  });

  async function publisherFor(database: string, args: Partial<PostgresPublisherArgs> = {}): Promise<PostgresPublisher> {
    const publisher = new PostgresPublisher({
      args: { host: server.host, port: server.port, database, username: POSTGRES_ADMIN, password: server.password, create_schema: true, ...args },
      logger: silent,
    });
    await publisher.prepare();
    return publisher;
  }

  it('stores every counter, timer and gauge exactly: a property over the escaping alphabet (NUL, lone surrogates, the escape itself)', async () => {
    const database = await server.createDatabase();
    const publisher = await publisherFor(database);
    try {
      let run = 0;
      await fc.assert(
        fc.asyncProperty(fc.array(anyMessage, { minLength: 1, maxLength: 4 }), async (batch) => {
          // Each run's messages under identities of their own, read back by them (a TRUNCATE
          // of the partitioned table per run took most of this test's time).
          run += 1;
          const identities = batch.map((_, i) => ({ id: `run${run}-m${i}`, shard: '' }));
          assert.deepEqual(await publisher.publish(batch, identities), { rejected: [] });
          assert.deepEqual(bySortKey(await readRows(server, database, 'kadabra_points', `run${run}-`)), bySortKey(batch.flatMap(expectedRows)));
        }),
        { numRuns: 150 },
      );
    } finally {
      await publisher.close();
    }
  });

  it('adds nothing when a batch is published again, whole or in part', async () => {
    const database = await server.createDatabase();
    const publisher = await publisherFor(database);
    try {
      const batch = [message('requests', 3), message('requests', 4, AT + 5n), message('errors', 1)];
      const identities = batch.map((_, i) => ({ id: `id-${i}`, shard: '' }));
      await publisher.publish(batch, identities);
      await publisher.publish(batch, identities);
      await publisher.publish(batch.slice(1), identities.slice(1));
      const [totals] = await server.query<{ rows: string; sum: number }>('SELECT count(*) AS rows, sum(value) AS sum FROM kadabra_points', [], database);
      assert.deepEqual(totals, { rows: '6', sum: 3 + 4 + 1 + 3 * 1.5 });
    } finally {
      await publisher.close();
    }
  });

  it('keeps two messages with identical content apart when the channel says they are two, and one when it says one', async () => {
    const database = await server.createDatabase();
    const publisher = await publisherFor(database);
    try {
      const same = message('logins', 1);
      await publisher.publish([same, same], [{ id: '17', shard: '' }, { id: '18', shard: '' }]);
      await publisher.publish([same], [{ id: '17', shard: '' }]);
      await publisher.publish([same], [{ id: '17', shard: 'stream-b' }]);
      const rows = await server.query<{ identity: string; n: string }>(
        "SELECT identity, count(*) AS n FROM kadabra_points WHERE kind = 'counter' GROUP BY identity ORDER BY identity",
        [],
        database,
      );
      assert.deepEqual(rows.map((row) => [row.identity.replace(/#[0-9a-f]{16}$/, ''), row.n]), [['17', '1'], ['18', '1'], ['stream-b/17', '1']]);
    } finally {
      await publisher.close();
    }
  });

  it('stores a name far longer than a btree entry can hold, and finds it by name', async () => {
    const database = await server.createDatabase();
    const publisher = await publisherFor(database);
    try {
      const name = 'x'.repeat(20_000) + '\u0000';
      assert.deepEqual(await publisher.publish([message(name, 2, AT, [['k'.repeat(5000), 'v'.repeat(5000)]])], [{ id: '1', shard: '' }]), { rejected: [] });
      const rows = await server.query<{ n: string }>(
        'SELECT count(*) AS n FROM kadabra_points WHERE name = $1 AND dimensions @> $2::jsonb',
        ['x'.repeat(20_000) + '\u241B0000', JSON.stringify({ ['k'.repeat(5000)]: 'v'.repeat(5000) })],
        database,
      );
      assert.deepEqual(rows, [{ n: '1' }]);
    } finally {
      await publisher.close();
    }
  });

  it('rejects a message PostgreSQL refuses alone and writes the rest of its batch', async () => {
    const database = await server.createDatabase();
    const publisher = await publisherFor(database);
    try {
      // 5000 BC is before the earliest timestamptz (4713 BC).
      const tooOld = message('ancient', 1, -219_900_000_000_000_000n);
      const batch = [message('a', 1), tooOld, message('b', 2), message('c', 3)];
      const outcome = await publisher.publish(batch, batch.map((_, i) => ({ id: String(i), shard: '' })));
      assert.deepEqual(outcome.rejected.map((r) => [r.index, r.reasonClass]), [[1, 'refused']]);
      assert.match(outcome.rejected[0]?.reason ?? '', /out of range/);
      const [counted] = await server.query<{ n: string }>('SELECT count(*) AS n FROM kadabra_points', [], database);
      assert.equal(counted?.n, '6');
      // Alone in its batch, nothing else written: held, tried again later, never dead-lettered.
      assert.deepEqual(await publisher.publish([tooOld], [{ id: '1', shard: '' }]).then((o) => [o.rejected, o.held?.map((h) => h.index)]), [[], [0]]);
    } finally {
      await publisher.close();
    }
  });

  it('holds a batch while the server is down (TransientPublishError, nothing rejected), then writes it once the server is back', async () => {
    const database = await server.createDatabase();
    const publisher = await publisherFor(database, { timeout: 2 });
    try {
      const batch = [message('during-outage', 1)];
      const identities = [{ id: 'o1', shard: '' }];
      await server.stop();
      try {
        await assert.rejects(publisher.publish(batch, identities), (error: unknown) => {
          assert.ok(error instanceof TransientPublishError);
          assert.match(error.message, /unavailable: .*ECONNREFUSED/);
          return true;
        });
        assert.equal((await publisher.probe()).ok, false);
      } finally {
        await server.start();
      }
      assert.deepEqual(await publisher.publish(batch, identities), { rejected: [] });
      assert.deepEqual(await publisher.probe(), { ok: true });
      const [counted] = await server.query<{ n: string }>('SELECT count(*) AS n FROM kadabra_points', [], database);
      assert.equal(counted?.n, '2');
    } finally {
      await publisher.close();
    }
  });

  it('a connection the server ends in the middle of a COPY: the publish throws TransientPublishError (the process lives on), and the batch is written once after', async () => {
    const database = await server.createDatabase();
    const publisher = await publisherFor(database, { timeout: 5 });
    try {
      const batch = Array.from({ length: 20_000 }, (_, i) => message(`n${i % 100}`, i, AT + BigInt(i)));
      const identities = batch.map((_, i) => ({ id: String(i), shard: '' }));
      let outcome: unknown;
      for (let attempt = 0; attempt < 10 && !(outcome instanceof TransientPublishError); attempt += 1) {
        const publishing = publisher.publish(batch, identities).catch((error: unknown) => error);
        let settled = false;
        void publishing.then(() => (settled = true));
        // End the publisher's session while its transaction (the COPY, then the INSERT) is open,
        // as a server shutting down or an administrator does (57P01).
        while (!settled) {
          const ended = await server.query(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'kadabra-agent' AND xact_start IS NOT NULL",
          );
          if (ended.length > 0) break;
          await new Promise((resolve) => setTimeout(resolve, 2));
        }
        outcome = await publishing;
        await server.query('TRUNCATE kadabra_points', [], database);
      }
      assert.ok(outcome instanceof TransientPublishError, `a publish cut short: ${String(outcome)}`);
      assert.match(outcome.message, /unavailable: .*terminat/);
      assert.deepEqual(await publisher.publish(batch, identities), { rejected: [] });
      const [counted] = await server.query<{ n: string }>('SELECT count(*) AS n FROM kadabra_points', [], database);
      assert.equal(counted?.n, String(2 * batch.length));
    } finally {
      await publisher.close();
    }
  });

  it('names neither password nor url password in its errors or logs when the credentials are refused', async () => {
    const database = await server.createDatabase();
    const lines: string[] = [];
    const logger = createLogger({ level: 'debug', destination: { write: (line: string) => void lines.push(line) } });
    const secret = 'Sekr3t-Passw0rd';
    for (const args of [
      { host: server.host, port: server.port, database, username: POSTGRES_ADMIN, password: secret },
      { url: `postgres://${POSTGRES_ADMIN}:${secret}@${server.host}:${server.port}/${database}` },
    ]) {
      const publisher = new PostgresPublisher({ args: { ...args, create_schema: true }, logger });
      try {
        await publisher.prepare();
        const error = await publisher.publish([message('x', 1)]).then(() => undefined, (e: unknown) => e);
        assert.ok(error instanceof TransientPublishError);
        assert.match(error.message, /password authentication failed.*fix: check username and password/);
        assert.doesNotMatch(`${error.message} ${String(error.stack)} ${JSON.stringify(error)}`, new RegExp(secret));
        const probe = await publisher.probe();
        assert.equal(probe.ok, false);
        assert.doesNotMatch(JSON.stringify(probe), new RegExp(secret));
      } finally {
        await publisher.close();
      }
    }
    assert.ok(lines.some((line) => line.includes('password authentication failed')));
    assert.doesNotMatch(lines.join('\n'), new RegExp(secret));
  });

  it('refuses to prepare a table of a schema version it does not know, naming both versions', async () => {
    const database = await server.createDatabase();
    (await publisherFor(database)).close();
    await server.query("UPDATE kadabra_schema SET version = 99 WHERE table_name = 'kadabra_points'", [], database);
    for (const create_schema of [true, false]) {
      const publisher = new PostgresPublisher({
        args: { host: server.host, port: server.port, database, username: POSTGRES_ADMIN, password: server.password, create_schema },
        logger: silent,
      });
      try {
        await assert.rejects(publisher.prepare(), (error: unknown) => {
          assert.ok(error instanceof SchemaVersionError);
          assert.match(error.message, /schema version 99, and this Kadabra knows schema version 1/);
          return true;
        });
        await assert.rejects(publisher.publish([message('x', 1)]), /schema version 99/);
      } finally {
        await publisher.close();
      }
    }
  });

  it('holds (does not create) a missing table without create_schema, and says how to create it', async () => {
    const database = await server.createDatabase();
    const publisher = new PostgresPublisher({
      args: { host: server.host, port: server.port, database, username: POSTGRES_ADMIN, password: server.password },
      logger: silent,
    });
    try {
      await publisher.prepare();
      await assert.rejects(publisher.publish([message('x', 1)]), /not set up .*fix: run `kadabra setup postgres`/);
    } finally {
      await publisher.close();
    }
  });

  it('lets agents starting together create the table once (advisory lock)', async () => {
    const database = await server.createDatabase();
    const publishers = await Promise.all(Array.from({ length: 4 }, () => publisherFor(database)));
    try {
      await Promise.all(publishers.map((publisher, i) => publisher.publish([message('together', i)], [{ id: String(i), shard: '' }])));
      const [counted] = await server.query<{ n: string }>('SELECT count(*) AS n FROM kadabra_points', [], database);
      assert.equal(counted?.n, '8');
    } finally {
      await Promise.all(publishers.map((publisher) => publisher.close()));
    }
  });
});
