import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { Agent } from '../../../src/agent/agent.js';
import { RedisChannel } from '../../../src/channels/redis/redis-channel.js';
import { PostgresPublisher } from '../../../src/publishers/postgres/postgres-publisher.js';
import { SchemaVersionError } from '../../../src/publishers/postgres/postgres-schema.js';
import { encodeMetrics } from '../../../src/wire/codec.js';
import { waitFor } from '../../support/wait-for.js';
import { POSTGRES_ADMIN, startPostgresServer, type PostgresServerHandle } from '../../support/postgres-server.js';
import { startRedisServer, uniqueKeys, type RedisServerHandle } from '../../support/redis-server.js';
import { cli } from '../../unit/cli/cli-harness.js';
import { counterMessage, silentLogger } from '../../unit/agent/helpers.js';

describe('the agent and `kadabra setup postgres` with a private PostgreSQL', () => {
  let postgres: PostgresServerHandle;
  let redis: RedisServerHandle;
  before(async () => {
    [postgres, redis] = await Promise.all([startPostgresServer(), startRedisServer()]);
  });
  after(async () => {
    await Promise.all([postgres?.dispose(), redis?.dispose()]);
  });

  const env = (database: string, args: Record<string, unknown> = {}): NodeJS.ProcessEnv => ({
    KADABRA_AGENT_PUBLISHER_TYPE: 'postgres',
    KADABRA_AGENT_PUBLISHER_ARGS: JSON.stringify({ url: postgres.url(database), ...args }),
  });

  it('`kadabra setup postgres` creates the table, then finds it current', async () => {
    const database = await postgres.createDatabase();
    const first = await cli(['setup', 'postgres'], env(database));
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, /^table kadabra_points at postgres:\/\/kadabra_admin@127\.0\.0\.1:\d+\/kadabra_\w+: created \(schema version 1\); 9 partition\(s\) created/);
    assert.doesNotMatch(first.stdout, new RegExp(postgres.password));
    const again = await cli(['setup', 'postgres'], env(database));
    assert.match(again.stdout, /already at schema version 1; 0 partition\(s\) created/);
  });

  it('`kadabra setup postgres` fails with the reason and the fix, and no password, when the credentials are refused', async () => {
    const database = await postgres.createDatabase();
    const url = `postgres://${POSTGRES_ADMIN}:Wrong-Passw0rd@127.0.0.1:${postgres.port}/${database}`;
    const result = await cli(['setup', 'postgres'], { KADABRA_AGENT_PUBLISHER_TYPE: 'postgres', KADABRA_AGENT_PUBLISHER_ARGS: JSON.stringify({ url }) });
    assert.equal(result.code, 1);
    assert.match(result.stderr, /password authentication failed .*fix: check username and password/);
    assert.doesNotMatch(result.stderr + result.stdout, /Wrong-Passw0rd/);
  });

  it('`kadabra setup postgres` refuses a configuration of another publisher', async () => {
    const result = await cli(['setup', 'postgres'], { KADABRA_AGENT_PUBLISHER_TYPE: 'influxdb' });
    assert.equal(result.code, 2);
    assert.match(result.stderr, /AGENT_PUBLISHER_TYPE is "influxdb": set AGENT_PUBLISHER_TYPE to "postgres"/);
  });

  it('publishes from a Redis list: identical bytes are one message, each message one row per counter, identity the digest of its bytes', async () => {
    const database = await postgres.createDatabase();
    const keys = uniqueKeys('pg-agent');
    const channel = new RedisChannel({ host: '127.0.0.1', port: redis.port, ...keys }, silentLogger());
    const publisher = new PostgresPublisher({ args: { url: postgres.url(database), create_schema: true }, logger: silentLogger() });
    const messages = Array.from({ length: 50 }, (_, i) => encodeMetrics(counterMessage(`m${i}`, i + 1)));
    await channel.sendEncoded([...messages, messages[0] as string, messages[1] as string]);
    const agent = new Agent({ AGENT_RECEIVER_THREADS: 2 }, { channel, publisher, logger: silentLogger(), env: {} });
    const running = agent.start();
    try {
      const totals = async (): Promise<{ n: number; sum: number }> =>
        (await postgres.query<{ n: number; sum: number }>('SELECT count(*)::int AS n, coalesce(sum(value), 0) AS sum FROM kadabra_points', [], database))[0] ?? { n: 0, sum: 0 };
      // The agent creates the table (create_schema) before it receives anything.
      await waitFor(async () => (await totals().catch(() => ({ n: 0 }))).n >= 50, 'the rows', 20_000);
      await waitFor(async () => (await channel.inProgress(10)).length === 0, 'nothing in progress', 20_000);
      assert.deepEqual(await totals(), { n: 50, sum: (50 * 51) / 2 });
      const [first] = await postgres.query<{ identity: string }>("SELECT identity FROM kadabra_points WHERE name = 'm0'", [], database);
      assert.equal(first?.identity.split('#')[0], createHash('sha1').update(messages[0] as string).digest('hex'));
    } finally {
      await agent.stop();
      await running;
      await channel.close();
      await publisher.close();
    }
  });

  it('refuses to start on a table of a schema version it does not know, naming both versions', async () => {
    const database = await postgres.createDatabase();
    assert.equal((await cli(['setup', 'postgres'], env(database))).code, 0);
    await postgres.query("UPDATE kadabra_schema SET version = 2 WHERE table_name = 'kadabra_points'", [], database);
    const keys = uniqueKeys('pg-agent-version');
    const channel = new RedisChannel({ host: '127.0.0.1', port: redis.port, ...keys }, silentLogger());
    await channel.sendEncoded([encodeMetrics(counterMessage('waiting', 1))]);
    const publisher = new PostgresPublisher({ args: { url: postgres.url(database) }, logger: silentLogger() });
    try {
      const agent = new Agent({}, { channel, publisher, logger: silentLogger(), env: {} });
      await assert.rejects(agent.start(), (error: unknown) => {
        assert.ok(error instanceof SchemaVersionError);
        assert.match(error.message, /schema version 2, and this Kadabra knows schema version 1/);
        return true;
      });
      assert.deepEqual(await channel.inProgress(10), [], 'nothing was taken off the queue');
    } finally {
      await channel.close();
      await publisher.close();
    }
  });
});
