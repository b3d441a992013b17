import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import { TransientPublishError } from '../../../src/errors/publish-error.js';
import { PostgresPublisher } from '../../../src/publishers/postgres/postgres-publisher.js';
import type { PostgresPublisherArgs } from '../../../src/publishers/postgres/postgres-publisher-args.js';
import { POSTGRES_ADMIN, startPostgresServer, type PostgresServerHandle } from '../../support/postgres-server.js';
import { makeTestCertificates, type TestCertificates } from '../../support/test-ca.js';
import { counterMessage, silentLogger } from '../../unit/agent/helpers.js';

describe('PostgresPublisher over TLS (sslmode)', () => {
  let certificates: TestCertificates;
  let server: PostgresServerHandle;
  let database: string;
  before(async () => {
    certificates = makeTestCertificates();
    server = await startPostgresServer({ tls: certificates });
    database = await server.createDatabase();
  });
  after(async () => {
    await server?.dispose();
    certificates?.dispose();
  });

  const publish = async (args: Partial<PostgresPublisherArgs>): Promise<unknown> => {
    const publisher = new PostgresPublisher({
      args: { host: '127.0.0.1', port: server.port, database, username: POSTGRES_ADMIN, password: server.password, create_schema: true, ...args },
      logger: silentLogger(),
    });
    try {
      await publisher.prepare();
      return await publisher.publish([counterMessage('tls', 1)], [{ id: JSON.stringify(args), shard: '' }]);
    } catch (error) {
      return error;
    } finally {
      await publisher.close();
    }
  };

  it('writes with verify-full against the CA, verify-ca and require', async () => {
    for (const args of [{ sslmode: 'verify-full', ca: certificates.caFile }, { sslmode: 'verify-ca', ca: certificates.caFile }, { sslmode: 'require' }] as const) {
      assert.deepEqual(await publish(args), { rejected: [] }, JSON.stringify(args));
    }
    const [row] = await server.query<{ n: number }>('SELECT count(*)::int AS n FROM kadabra_points', [], database);
    assert.equal(row?.n, 3);
  });

  it('holds the batch with a setup error naming the TLS settings when the server certificate is not trusted', async () => {
    const error = await publish({ sslmode: 'verify-full', ca: certificates.otherCaFile });
    assert.ok(error instanceof TransientPublishError, String(error));
    assert.match(error.message, /fix: check sslmode, ca, cert and key/);
  });
});
