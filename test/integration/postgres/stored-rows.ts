// Reads a PostgreSQL publisher's table back into plain values, and says what a message
// should have stored, to compare them exactly.
import { Metrics } from '../../../src/metrics/metrics.js';
import { decodePostgresText } from '../../../src/publishers/postgres/postgres-text.js';
import type { PostgresServerHandle } from '../../support/postgres-server.js';

/** One stored row, its strings decoded, its time in microseconds (exact, as text). */
export interface StoredRow {
  readonly micros: string;
  readonly name: string;
  readonly kind: string;
  readonly dimensions: Readonly<Record<string, string>>;
  readonly value: number;
  readonly unit: string | null;
  readonly metadata: Readonly<Record<string, string>>;
  readonly position: number;
}

function decodedObject(object: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(object)) Object.defineProperty(out, decodePostgresText(key), { value: decodePostgresText(value), enumerable: true });
  return out;
}

function plainObject(entries: Iterable<readonly [string, string]>): Record<string, string> {
  const out: Record<string, string> = {};
  // defineProperty: a key "__proto__" is a key like any other.
  for (const [key, value] of entries) Object.defineProperty(out, key, { value, enumerable: true, configurable: true, writable: true });
  return out;
}

/** Every row of `table`, ordered by time, identity and position. */
export async function readRows(
  server: PostgresServerHandle,
  database: string,
  table = 'kadabra_points',
  /** Only rows whose identity starts so (`shard/id` of the messages), when given. */
  identityPrefix?: string,
): Promise<StoredRow[]> {
  const rows = await server.query<{
    micros: string; name: string; kind: string; dimensions: Record<string, string>; value: string;
    unit: string | null; metadata: Record<string, string>; position: number;
  }>(
    `SELECT (extract(epoch FROM time) * 1000000)::numeric(30,0)::text AS micros, name, kind, dimensions, value::text AS value,
            unit, metadata, position FROM ${table}
      ${identityPrefix === undefined ? '' : 'WHERE starts_with(identity, $1)'} ORDER BY time, identity, position`,
    identityPrefix === undefined ? [] : [identityPrefix],
    database,
  );
  return rows.map((row) => ({
    micros: row.micros,
    name: decodePostgresText(row.name),
    kind: row.kind,
    dimensions: decodedObject(row.dimensions),
    // PostgreSQL's shortest exact digits, in its own notation (1e-07): equal as numbers.
    value: Number(row.value),
    unit: row.unit === null ? null : decodePostgresText(row.unit),
    metadata: decodedObject(row.metadata),
    position: row.position,
  }));
}

/** The rows `metrics` should store: timers, then counters, then gauges; a repeated dimension keeps its last value. */
export function expectedRows(metrics: Metrics): StoredRow[] {
  const dimensions = plainObject(metrics.dimensions.map((d) => [d.name, d.value] as const));
  return [
    ...metrics.timers.map((t) => ({ micros: String(t.timestamp), name: t.name, kind: 'timer', dimensions, value: t.value, unit: t.unit.name, metadata: plainObject(Object.entries(t.metadata)) })),
    ...metrics.counters.map((c) => ({ micros: String(c.timestamp), name: c.name, kind: 'counter', dimensions, value: c.value, unit: null, metadata: plainObject(Object.entries(c.metadata)) })),
    ...metrics.gauges.map((g) => ({ micros: String(g.timestamp), name: g.name, kind: 'gauge', dimensions, value: g.value, unit: null, metadata: plainObject(Object.entries(g.metadata)) })),
  ].map((row, position) => ({ ...row, position }));
}
