import type { InfluxQueryResult } from '../../test/support/influxdb-server.js';

/** Runs InfluxQL against `influxUrl` (in `database` when given); throws on an HTTP or query error. */
export async function influxQuery(influxUrl: string, q: string, database?: string): Promise<InfluxQueryResult> {
  const params = new URLSearchParams({ q });
  if (database !== undefined) params.set('db', database);
  const answer = await fetch(`${influxUrl}/query`, {
    method: 'POST',
    body: params.toString(),
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
  });
  const text = await answer.text();
  if (answer.status !== 200) throw new Error(`InfluxQL ${q} answered ${answer.status}: ${text}`);
  const result = JSON.parse(text) as InfluxQueryResult;
  const error = result.error ?? result.results.find((r) => r.error !== undefined)?.error;
  if (error !== undefined) throw new Error(`InfluxQL ${q}: ${error}`);
  return result;
}

/** Creates a fresh database named `name` (dropping one of that name). */
export async function freshDatabase(influxUrl: string, name: string): Promise<void> {
  await influxQuery(influxUrl, `DROP DATABASE "${name}"`);
  await influxQuery(influxUrl, `CREATE DATABASE "${name}"`);
}

/** Drops a database (frees influxd's memory and disk between runs). */
export async function dropDatabase(influxUrl: string, name: string): Promise<void> {
  await influxQuery(influxUrl, `DROP DATABASE "${name}"`);
}

/** Points stored in `database` over `measurements` (field `value`). */
export async function countPoints(influxUrl: string, database: string, measurements: readonly string[]): Promise<number> {
  const from = measurements.map((m) => `"${m}"`).join(', ');
  const result = await influxQuery(influxUrl, `SELECT COUNT("value") FROM ${from}`, database);
  let total = 0;
  for (const series of result.results[0]?.series ?? []) {
    const count = series.values?.[0]?.[1];
    if (typeof count === 'number') total += count;
  }
  return total;
}

/** Polls {@link countPoints} until it reaches `expected`; resolves with the time it did (performance.now()). */
export async function waitForPoints(
  influxUrl: string,
  database: string,
  measurements: readonly string[],
  expected: number,
  timeoutMs: number,
  pollMs = 100,
): Promise<number> {
  const deadline = performance.now() + timeoutMs;
  let seen = 0;
  for (;;) {
    seen = await countPoints(influxUrl, database, measurements);
    const now = performance.now();
    if (seen >= expected) return now;
    if (now > deadline) throw new Error(`only ${seen} of ${expected} points in ${database} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}
