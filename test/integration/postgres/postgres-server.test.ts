import { strict as assert } from 'node:assert';
import { existsSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { startPostgresServer, type PostgresServerHandle } from '../../support/postgres-server.js';

describe('the private PostgreSQL test cluster', () => {
  let server: PostgresServerHandle;
  before(async () => {
    server = await startPostgresServer();
  });
  after(async () => {
    await server?.dispose();
  });

  it('listens on its own loopback port, not the standard one, with its data in a temporary folder', async () => {
    assert.notEqual(server.port, 5432);
    const [row] = await server.query<{ port: string; socket: string; data: string }>(
      "SELECT current_setting('port') AS port, current_setting('unix_socket_directories') AS socket, current_setting('data_directory') AS data",
    );
    assert.equal(row?.port, String(server.port));
    assert.match(row?.data ?? '', /kadabra-postgres-/);
    assert.match(row?.socket ?? '', /kadabra-postgres-/);
  });

  it('refuses a wrong password (password authentication over TCP)', async () => {
    const client = new pg.Client({ host: server.host, port: server.port, user: 'kadabra_admin', password: 'wrong', database: 'postgres' });
    await assert.rejects(client.connect(), /password authentication failed/);
  });

  it('stops, refuses connections, and starts again with its data', async () => {
    const database = await server.createDatabase();
    await server.query('CREATE TABLE kept (n int); INSERT INTO kept VALUES (7)', [], database);
    await server.stop();
    const client = new pg.Client({ connectionString: server.url(database) });
    await assert.rejects(client.connect(), /ECONNREFUSED/);
    await server.start();
    assert.deepEqual(await server.query('SELECT n FROM kept', [], database), [{ n: 7 }]);
  });

  it('removes its folder when disposed', async () => {
    const other = await startPostgresServer();
    const [row] = await other.query<{ data: string }>("SELECT current_setting('data_directory') AS data");
    await other.dispose();
    assert.equal(existsSync(row?.data ?? '/'), false);
  });
});
