import type { ClientBase } from 'pg';
import { ConfigurationError } from '../../errors/configuration-error.js';

/**
 * The version of the table layout this Kadabra writes, recorded in `kadabra_schema`.
 * Version 1: the table of `schemaStatements`.
 */
export const SCHEMA_VERSION = 1;

/** The meta table: one row per points table, with its schema version. */
export const META_TABLE = 'kadabra_schema';

/** The quoted names of one points table and what belongs to it. */
export interface TableNames {
  /** The `table` argument as given: the meta table's key. */
  readonly key: string;
  /** The table, quoted and qualified as given (`"kadabra_points"`, `"metrics"."points"`). */
  readonly table: string;
  /** The table's name without its schema. */
  readonly bare: string;
  /** `"schema".` or `''`. */
  readonly schemaPrefix: string;
  /** The meta table, in the same schema. */
  readonly meta: string;
  /** The DEFAULT partition. */
  readonly defaultPartition: string;
}

/** The names of the points table `table` (`name` or `schema.name`, as the argument schema accepts). */
export function tableNames(table: string): TableNames {
  const dot = table.indexOf('.');
  const schema = dot < 0 ? undefined : table.slice(0, dot);
  const bare = dot < 0 ? table : table.slice(dot + 1);
  const schemaPrefix = schema === undefined ? '' : `"${schema}".`;
  return {
    key: table,
    table: `${schemaPrefix}"${bare}"`,
    bare,
    schemaPrefix,
    meta: `${schemaPrefix}"${META_TABLE}"`,
    defaultPartition: `${schemaPrefix}"${bare}_default"`,
  };
}

/** A table whose schema version this Kadabra does not know (written by a newer one): nothing can be written to it. */
export class SchemaVersionError extends ConfigurationError {
  constructor(
    readonly table: string,
    readonly found: number,
  ) {
    super(
      'AGENT_PUBLISHER_ARGS.table',
      `the PostgreSQL table ${table} has schema version ${found}, and this Kadabra knows schema version ${SCHEMA_VERSION} at most: ` +
        'upgrade Kadabra (to the version that created it), or set table in AGENT_PUBLISHER_ARGS to another table',
    );
  }
}

/** A table that is missing or at an older schema version: nothing is written until it is set up. */
export class SchemaNotReadyError extends Error {
  readonly fix = 'run `kadabra setup postgres` (with the agent\'s configuration), or set create_schema: true in AGENT_PUBLISHER_ARGS';

  constructor(
    readonly table: string,
    readonly found: number | undefined,
  ) {
    super(
      found === undefined
        ? `the PostgreSQL table ${table} is not set up (no schema version for it in ${META_TABLE})`
        : `the PostgreSQL table ${table} has schema version ${found}; this Kadabra writes version ${SCHEMA_VERSION} and must migrate it first`,
    );
    this.name = 'SchemaNotReadyError';
  }
}

/** The statements that create schema version 1 of the points table. */
export function schemaStatements(names: TableNames): string[] {
  const { table, bare, schemaPrefix } = names;
  return [
    `CREATE TABLE ${table} (
      time timestamptz NOT NULL,
      name text NOT NULL,
      kind text NOT NULL CONSTRAINT "${bare}_kind" CHECK (kind IN ('counter', 'timer', 'gauge')),
      dimensions jsonb NOT NULL,
      value double precision NOT NULL,
      unit text,
      metadata jsonb NOT NULL,
      identity text NOT NULL,
      position integer NOT NULL,
      CONSTRAINT "${bare}_point" UNIQUE (time, identity, position)
    ) PARTITION BY RANGE (time)`,
    `CREATE TABLE ${names.defaultPartition} PARTITION OF ${table} DEFAULT`,
    // A hash index holds a name of any length (a btree entry over ~2,700 bytes fails the
    // insert); it serves name = '...', and the unique index serves the time range.
    `CREATE INDEX "${bare}_name_idx" ON ${table} USING hash (name)`,
    `CREATE INDEX "${bare}_dimensions_idx" ON ${table} USING gin (dimensions jsonb_path_ops)`,
    `COMMENT ON TABLE ${table} IS 'Kadabra metrics: one row per counter, timer and gauge (schema version ${SCHEMA_VERSION}, see ${schemaPrefix}${META_TABLE})'`,
  ];
}

/**
 * Migrations from each older version to the next: `MIGRATIONS[n]` takes a table at
 * version n to n + 1. Version 1 is the first: none yet.
 */
const MIGRATIONS: Readonly<Record<number, (names: TableNames) => string[]>> = {};

/** The schema version recorded for the table, or undefined when there is none (no meta table, or no row). */
export async function readSchemaVersion(client: ClientBase, names: TableNames): Promise<number | undefined> {
  const { rows } = await client.query<{ meta: string | null }>('SELECT to_regclass($1)::text AS meta', [names.meta]);
  if (rows[0]?.meta == null) return undefined;
  const versions = await client.query<{ version: number }>(`SELECT version FROM ${names.meta} WHERE table_name = $1`, [names.key]);
  return versions.rows[0]?.version;
}

/**
 * Whether the table can be written: at `SCHEMA_VERSION`.
 * @throws SchemaVersionError for a version this Kadabra does not know.
 * @throws SchemaNotReadyError for a missing table or an older version.
 */
export async function checkSchema(client: ClientBase, names: TableNames): Promise<void> {
  const version = await readSchemaVersion(client, names);
  if (version !== undefined && version > SCHEMA_VERSION) throw new SchemaVersionError(names.key, version);
  if (version !== SCHEMA_VERSION) throw new SchemaNotReadyError(names.key, version);
}

/** What `applySchema` did. */
export interface SchemaChange {
  /** The version before: undefined when the table was created. */
  readonly from: number | undefined;
  readonly to: number;
}

function lockKey(names: TableNames): string {
  return `kadabra:${names.key}`;
}

/**
 * Creates the table (and the meta table) or migrates it to `SCHEMA_VERSION`, in one
 * transaction, under a session advisory lock on the table's name, so that agents
 * starting together (and `kadabra setup postgres`) take turns: the second finds it done.
 * @throws SchemaVersionError for a version this Kadabra does not know.
 * @throws ConfigurationError for a table of that name that Kadabra did not create.
 */
export async function applySchema(client: ClientBase, names: TableNames): Promise<SchemaChange> {
  await client.query('SELECT pg_advisory_lock(hashtext($1))', [lockKey(names)]);
  try {
    await client.query('BEGIN');
    try {
      await client.query(`CREATE TABLE IF NOT EXISTS ${names.meta} (
        table_name text PRIMARY KEY,
        version integer NOT NULL,
        migrated_at timestamptz NOT NULL DEFAULT now()
      )`);
      const from = await readSchemaVersion(client, names);
      if (from !== undefined && from > SCHEMA_VERSION) throw new SchemaVersionError(names.key, from);
      if (from === undefined) {
        const { rows } = await client.query<{ found: string | null }>('SELECT to_regclass($1)::text AS found', [names.table]);
        if (rows[0]?.found != null) {
          throw new ConfigurationError(
            'AGENT_PUBLISHER_ARGS.table',
            `a table ${names.key} exists but Kadabra did not create it (no schema version in ${META_TABLE}): set table in AGENT_PUBLISHER_ARGS to another name, or drop or rename that table`,
          );
        }
        for (const statement of schemaStatements(names)) await client.query(statement);
      } else {
        for (let version = from; version < SCHEMA_VERSION; version += 1) {
          for (const statement of MIGRATIONS[version]?.(names) ?? []) await client.query(statement);
        }
      }
      if (from !== SCHEMA_VERSION) {
        await client.query(
          `INSERT INTO ${names.meta} (table_name, version) VALUES ($1, $2)
           ON CONFLICT (table_name) DO UPDATE SET version = EXCLUDED.version, migrated_at = now()`,
          [names.key, SCHEMA_VERSION],
        );
      }
      await client.query('COMMIT');
      return { from, to: SCHEMA_VERSION };
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    }
  } finally {
    await client.query('SELECT pg_advisory_unlock(hashtext($1))', [lockKey(names)]).catch(() => undefined);
  }
}

const DAY_MS = 86_400_000;

/** `YYYYMMDD` of the UTC day starting at `ms`. */
function dayName(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10).replaceAll('-', '');
}

function timestampLiteral(ms: number): string {
  return `'${new Date(ms).toISOString()}'`;
}

/** What `maintainPartitions` did. */
export interface PartitionChange {
  /** Partitions created (names without schema). */
  readonly created: readonly string[];
  /** Partitions dropped for retention. */
  readonly dropped: readonly string[];
  /** Rows deleted from the DEFAULT partition for retention. */
  readonly deletedFromDefault: number;
  /** False when another agent held the lock: it does the same work. */
  readonly done: boolean;
}

/** Options of `maintainPartitions`. */
export interface PartitionPlan {
  /** Days of partitions to have after today (today and yesterday are always made). */
  readonly ahead: number;
  /** Days of points to keep; undefined keeps all. */
  readonly retentionDays: number | undefined;
  /** Now, in ms since the epoch. */
  readonly now: number;
}

/**
 * Makes one partition per UTC day from yesterday (or the day after the newest partition,
 * if older) to `ahead` days after today (rows of that day already in the DEFAULT partition
 * move into it), and with `retentionDays` drops
 * the daily partitions older than that and deletes older rows of the DEFAULT partition.
 * Skipped (`done: false`) while another session holds the table's advisory lock; nothing
 * to do for a table without declarative partitions (a TimescaleDB hypertable made by hand).
 */
export async function maintainPartitions(client: ClientBase, names: TableNames, plan: PartitionPlan): Promise<PartitionChange> {
  const { rows: locked } = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock(hashtext($1)) AS locked', [lockKey(names)]);
  if (locked[0]?.locked !== true) return { created: [], dropped: [], deletedFromDefault: 0, done: false };
  try {
    // A table made by hand without declarative partitions (a TimescaleDB hypertable) is left alone.
    const { rows: kind } = await client.query<{ relkind: string }>('SELECT relkind FROM pg_class WHERE oid = to_regclass($1)', [names.table]);
    if (kind[0]?.relkind !== 'p') return { created: [], dropped: [], deletedFromDefault: 0, done: true };
    const { rows } = await client.query<{ name: string }>(
      'SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = to_regclass($1)',
      [names.table],
    );
    const existing = new Set(rows.map((row) => row.name));
    const pattern = new RegExp(`^${names.bare}_p(\\d{4})(\\d{2})(\\d{2})$`);
    const dayOf = (name: string): number | undefined => {
      const match = pattern.exec(name);
      return match === null ? undefined : Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
    };
    const today = Math.floor(plan.now / DAY_MS) * DAY_MS;
    const cutoff = plan.retentionDays === undefined ? undefined : today - plan.retentionDays * DAY_MS;
    // From yesterday, or from the day after the newest partition when the agent was away
    // longer (no gap of days whose rows would all sit in DEFAULT), but not before the cutoff.
    const days = [...existing].map(dayOf).filter((day) => day !== undefined);
    let first = today - DAY_MS;
    if (days.length > 0) first = Math.min(first, Math.max(...days) + DAY_MS);
    if (cutoff !== undefined) first = Math.max(first, cutoff);
    const created: string[] = [];
    for (let day = first; day <= today + plan.ahead * DAY_MS; day += DAY_MS) {
      const name = `${names.bare}_p${dayName(day)}`;
      if (existing.has(name)) continue;
      const partition = `${names.schemaPrefix}"${name}"`;
      const from = timestampLiteral(day);
      const to = timestampLiteral(day + DAY_MS);
      await client.query('BEGIN');
      try {
        await client.query(`CREATE TABLE ${partition} (LIKE ${names.table} INCLUDING DEFAULTS INCLUDING CONSTRAINTS)`);
        await client.query(
          `WITH moved AS (DELETE FROM ${names.defaultPartition} WHERE time >= ${from} AND time < ${to} RETURNING *)
           INSERT INTO ${partition} SELECT * FROM moved`,
        );
        await client.query(`ALTER TABLE ${names.table} ATTACH PARTITION ${partition} FOR VALUES FROM (${from}) TO (${to})`);
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      }
      created.push(name);
    }
    const dropped: string[] = [];
    let deletedFromDefault = 0;
    if (cutoff !== undefined) {
      for (const name of [...existing].sort()) {
        const start = dayOf(name);
        if (start === undefined || start + DAY_MS > cutoff) continue;
        await client.query(`DROP TABLE ${names.schemaPrefix}"${name}"`);
        dropped.push(name);
      }
      const deleted = await client.query(`DELETE FROM ${names.defaultPartition} WHERE time < ${timestampLiteral(cutoff)}`);
      deletedFromDefault = deleted.rowCount ?? 0;
    }
    return { created, dropped, deletedFromDefault, done: true };
  } finally {
    await client.query('SELECT pg_advisory_unlock(hashtext($1))', [lockKey(names)]).catch(() => undefined);
  }
}
