import type { InfluxDBServerHandle } from '../../test/support/influxdb-server.js';

/** The measurement every chaos app writes (`addCount('chaos', seq)`). */
export const MEASUREMENT = 'chaos';

/** Count and SUM(value) per app, as InfluxDB computes them. */
export async function countAndSumByApp(
  influx: InfluxDBServerHandle,
  database: string,
): Promise<Map<string, { count: number; sum: number }>> {
  const result = await influx.query(`SELECT count(value), sum(value) FROM ${MEASUREMENT} GROUP BY app`, database);
  const out = new Map<string, { count: number; sum: number }>();
  for (const series of result.results[0]?.series ?? []) {
    const row = series.values?.[0] ?? [];
    out.set(series.tags?.['app'] ?? '', { count: Number(row[1] ?? 0), sum: Number(row[2] ?? 0) });
  }
  return out;
}

/** Every stored value of one app, one per point (duplicates included). */
export async function valuesOfApp(influx: InfluxDBServerHandle, database: string, app: string): Promise<number[]> {
  const params = new URLSearchParams({
    q: `SELECT value FROM ${MEASUREMENT} WHERE app = '${app.replace(/'/g, "\\'")}'`,
    db: database,
    chunked: 'true',
    chunk_size: '10000',
  });
  const answer = await fetch(`${influx.url}/query`, {
    method: 'POST',
    body: params.toString(),
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
  });
  const text = await answer.text();
  if (answer.status !== 200) throw new Error(`query answered ${answer.status}: ${text}`);
  const values: number[] = [];
  // A chunked answer is one JSON document per line.
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const chunk = JSON.parse(line) as { results?: { error?: string; series?: { values?: unknown[][] }[] }[] };
    const first = chunk.results?.[0];
    if (first?.error !== undefined) throw new Error(first.error);
    for (const series of first?.series ?? []) {
      for (const row of series.values ?? []) values.push(Number(row[1]));
    }
  }
  return values;
}
