import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { applySchema, maintainPartitions, tableNames } from '../../../src/publishers/postgres/postgres-schema.js';
import { startPostgresServer, type PostgresServerHandle } from '../../support/postgres-server.js';

const DAY_MS = 86_400_000;
const NOW = Date.UTC(2026, 2, 10, 15, 30);

describe('the PostgreSQL table: schema and daily partitions', () => {
  let server: PostgresServerHandle;
  before(async () => {
    server = await startPostgresServer();
  });
  after(async () => {
    await server?.dispose();
  });

  async function withClient<T>(database: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
    const client = new pg.Client({ connectionString: server.url(database) });
    await client.connect();
    try {
      return await work(client);
    } finally {
      await client.end();
    }
  }

  const partitionsOf = async (database: string): Promise<string[]> =>
    (await server.query<{ name: string }>(
      "SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'kadabra_points'::regclass ORDER BY 1",
      [],
      database,
    )).map((row) => row.name);

  const insert = (database: string, time: string, identity: string): Promise<unknown> =>
    server.query(
      "INSERT INTO kadabra_points (time, name, kind, dimensions, value, unit, metadata, identity, position) VALUES ($1, 'n', 'counter', '{}', 1, NULL, '{}', $2, 0)",
      [time, identity],
      database,
    );

  it('creates version 1 once, records it, and finds it done the second time', async () => {
    const database = await server.createDatabase();
    const names = tableNames('kadabra_points');
    assert.deepEqual(await withClient(database, (client) => applySchema(client, names)), { from: undefined, to: 1 });
    assert.deepEqual(await withClient(database, (client) => applySchema(client, names)), { from: 1, to: 1 });
    assert.deepEqual(await server.query('SELECT table_name, version FROM kadabra_schema', [], database), [{ table_name: 'kadabra_points', version: 1 }]);
    assert.deepEqual(await partitionsOf(database), ['kadabra_points_default']);
  });

  it('refuses to take over a table of that name that Kadabra did not create', async () => {
    const database = await server.createDatabase();
    await server.query('CREATE TABLE kadabra_points (x int)', [], database);
    await assert.rejects(withClient(database, (client) => applySchema(client, tableNames('kadabra_points'))), /exists but Kadabra did not create it/);
  });

  it('makes a partition per day from yesterday on, moves rows of those days out of DEFAULT, and drops days past retention', async () => {
    const database = await server.createDatabase();
    const names = tableNames('kadabra_points');
    await withClient(database, (client) => applySchema(client, names));
    await insert(database, '2026-03-11 08:00:00+00', 'early-arrival');
    await insert(database, '2026-02-01 08:00:00+00', 'old');
    const first = await withClient(database, (client) => maintainPartitions(client, names, { ahead: 2, retentionDays: undefined, now: NOW }));
    assert.deepEqual(first.created, ['kadabra_points_p20260309', 'kadabra_points_p20260310', 'kadabra_points_p20260311', 'kadabra_points_p20260312']);
    const where = await server.query<{ partition: string; identity: string }>(
      'SELECT tableoid::regclass::text AS partition, identity FROM kadabra_points ORDER BY time',
      [],
      database,
    );
    assert.deepEqual(where, [{ partition: 'kadabra_points_default', identity: 'old' }, { partition: 'kadabra_points_p20260311', identity: 'early-arrival' }]);
    // The same point again is still one row, in its partition.
    await server.query(
      "INSERT INTO kadabra_points SELECT * FROM kadabra_points WHERE identity = 'early-arrival' ON CONFLICT DO NOTHING",
      [],
      database,
    );
    assert.deepEqual(await server.query("SELECT count(*)::int AS n FROM kadabra_points WHERE identity = 'early-arrival'", [], database), [{ n: 1 }]);

    // On the 15th, keeping 3 days (the 12th to the 14th, and today): the partitions up to the 11th and the old row go.
    const later = await withClient(database, (client) => maintainPartitions(client, names, { ahead: 2, retentionDays: 3, now: NOW + 5 * DAY_MS }));
    assert.deepEqual(later.dropped, ['kadabra_points_p20260309', 'kadabra_points_p20260310', 'kadabra_points_p20260311']);
    assert.equal(later.deletedFromDefault, 1);
    assert.deepEqual(await partitionsOf(database), ['kadabra_points_default', ...[12, 13, 14, 15, 16, 17].map((day) => `kadabra_points_p202603${day}`)]);
  });

  it('leaves a table without declarative partitions alone (a TimescaleDB hypertable made by hand)', async () => {
    const database = await server.createDatabase();
    await server.query('CREATE TABLE kadabra_points (time timestamptz NOT NULL)', [], database);
    const change = await withClient(database, (client) => maintainPartitions(client, tableNames('kadabra_points'), { ahead: 3, retentionDays: 1, now: NOW }));
    assert.deepEqual(change, { created: [], dropped: [], deletedFromDefault: 0, done: true });
  });

  it('leaves the work to whoever holds the table lock', async () => {
    const database = await server.createDatabase();
    const names = tableNames('kadabra_points');
    await withClient(database, (client) => applySchema(client, names));
    await withClient(database, async (holder) => {
      await holder.query("SELECT pg_advisory_lock(hashtext('kadabra:kadabra_points'))");
      const change = await withClient(database, (client) => maintainPartitions(client, names, { ahead: 1, retentionDays: undefined, now: NOW }));
      assert.equal(change.done, false);
    });
  });
});
