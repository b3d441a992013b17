import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { Kadabra } from '../../../src/client/kadabra.js';
import { MetricsCollector } from '../../../src/client/metrics-collector.js';
import { fibonacci, handleRequest } from '../../../src/demo/demo-workload.js';
import type { Metrics } from '../../../src/metrics/metrics.js';
import { PostgresPublisher } from '../../../src/publishers/postgres/postgres-publisher.js';
import { DEFAULT_TIMESTAMP_FORMAT } from '../../../src/metrics/metrics.js';
import { startPostgresServer, type PostgresServerHandle } from '../../support/postgres-server.js';
import { silentLogger } from '../../unit/agent/helpers.js';

/** The ```sql blocks of docs/postgres.md: the queries it promises run. */
function documentedQueries(): string[] {
  const text = readFileSync(new URL('../../../../docs/postgres.md', import.meta.url), 'utf8');
  return [...text.matchAll(/```sql\n([\s\S]*?)```/g)].map((match) => match[1] as string);
}

/** A stand-in for the client: the demo workloads' metrics, kept instead of sent. */
function recordingClient(sent: Metrics[]): Kadabra {
  return { metrics: () => new MetricsCollector(DEFAULT_TIMESTAMP_FORMAT), send: (metrics: Metrics) => void sent.push(metrics) } as unknown as Kadabra;
}

describe('docs/postgres.md queries, against a table the publisher filled with the Fibonacci and demo workloads', () => {
  let server: PostgresServerHandle;
  let database: string;
  before(async () => {
    server = await startPostgresServer();
    database = await server.createDatabase();
    const sent: Metrics[] = [];
    const client = recordingClient(sent);
    for (let n = 10; n < 20; n += 1) fibonacci(client, n);
    let state = 7;
    const random = (): number => ((state = (state * 48271) % 2147483647) / 2147483647);
    // One after another, so that the fixed generator's draws (and so the statuses) are the same every run.
    for (let i = 0; i < 80; i += 1) await handleRequest(client, i, random);
    const publisher = new PostgresPublisher({ args: { url: server.url(database), create_schema: true }, logger: silentLogger() });
    try {
      await publisher.prepare();
      assert.deepEqual(await publisher.publish(sent, sent.map((_, i) => ({ id: String(i), shard: '' }))), { rejected: [] });
    } finally {
      await publisher.close();
    }
  });
  after(async () => {
    await server?.dispose();
  });

  it('has five queries, and each runs and finds rows', async () => {
    const queries = documentedQueries();
    assert.equal(queries.length, 5);
    for (const query of queries) {
      const rows = await server.query(query, [], database);
      assert.ok(rows.length > 0, `no rows from:\n${query}`);
    }
  });

  it('sums the Fibonacci iterations exactly', async () => {
    // One minute (or two, if the workload straddled one): together 10 + 11 + ... + 19.
    const minutes = await server.query<{ iterations: number }>(documentedQueries()[0] as string, [], database);
    assert.equal(minutes.reduce((total, row) => total + row.iterations, 0), 145);
  });
});
