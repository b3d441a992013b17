import type { Database, Statement } from 'better-sqlite3';
import type { LatestValue, StateChange, StateSelection } from '../channel.js';
import { addToTotal } from '../state-change.js';

/** Table of publishers' totals, by namespace and name. */
export const STATE_TABLE = 'kadabra_state';

/** Table of publishers' values set if newer (`StateChange.set`), by namespace and name. */
export const LATEST_TABLE = 'kadabra_state_latest';

// Created on first use rather than with the other tables: files made before it existed
// get it without a new schema version, and earlier Kadabra versions ignore it.
const CREATE_STATE_TABLE = `
CREATE TABLE IF NOT EXISTS ${STATE_TABLE} (
  namespace TEXT NOT NULL,
  name TEXT NOT NULL,
  value INTEGER NOT NULL,
  PRIMARY KEY (namespace, name)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS ${LATEST_TABLE} (
  namespace TEXT NOT NULL,
  name TEXT NOT NULL,
  timestamp INTEGER NOT NULL,
  value REAL NOT NULL,
  PRIMARY KEY (namespace, name)
) WITHOUT ROWID`;

interface StateStatements {
  readonly get: Statement<[string, string], { value: bigint }>;
  readonly put: Statement<[string, string, bigint]>;
  readonly all: Statement<[string], { name: string; value: bigint }>;
  readonly prefixed: Statement<[string, string, string], { name: string; value: bigint }>;
  /** Keeps a value when newer than the one kept (the order of `isNewerLatest`). */
  readonly setIfNewer: Statement<[string, string, bigint, number]>;
  readonly allLatest: Statement<[string], { name: string; timestamp: bigint; value: number }>;
}

/**
 * Publishers' totals in the channel's file (`StateChange`), read and written as bigints
 * (SQLite INTEGERs are 64-bit; JavaScript numbers would round them past 2^53). Every
 * method runs inside the caller's transaction.
 */
export class SqliteState {
  private statements: StateStatements | undefined;

  constructor(private readonly db: Database) {}

  /**
   * Adds the change's amounts to its totals (a new total starts at 0). Inside a write
   * transaction: a sum out of the 64-bit range throws before anything is written, and the
   * caller's transaction rolls back whatever else it did.
   */
  apply(change: StateChange): void {
    const { get, put } = this.prepared(true);
    const sums = [...change.add].map(([name, amount]) => {
      const total = get.get(change.namespace, name)?.value ?? 0n;
      return [name, addToTotal(change.namespace, name, total, amount)] as const;
    });
    for (const [name, sum] of sums) put.run(change.namespace, name, sum);
    const { setIfNewer } = this.prepared(true);
    for (const [name, { value, timestamp }] of change.set ?? []) setIfNewer.run(change.namespace, name, timestamp, value === 0 ? 0 : value);
  }

  /** The values set if newer of `namespace` (none when no change ever set one in this file). */
  readLatest(namespace: string): Map<string, LatestValue> {
    const statements = this.prepared(false);
    if (!statements) return new Map();
    return new Map(statements.allLatest.all(namespace).map((row) => [row.name, { value: row.value, timestamp: row.timestamp }]));
  }

  /** The totals of `namespace` (none when no change was ever applied to this file). */
  read(namespace: string, select?: StateSelection): Map<string, bigint> {
    const statements = this.prepared(false);
    if (!statements) return new Map();
    if (select?.names !== undefined) {
      const totals = new Map<string, bigint>();
      for (const name of select.names) {
        const total = statements.get.get(namespace, name)?.value;
        if (total !== undefined) totals.set(name, total);
      }
      return totals;
    }
    const rows = select === undefined ? statements.all.all(namespace) : statements.prefixed.all(namespace, select.prefix, select.prefix);
    return new Map(rows.map((row) => [row.name, row.value]));
  }

  /** The statements, creating the table first when `create` (else undefined while it is missing). */
  private prepared(create: true): StateStatements;
  private prepared(create: boolean): StateStatements | undefined;
  private prepared(create: boolean): StateStatements | undefined {
    if (this.statements) return this.statements;
    // The two tables are created together, at the first state change.
    const exists = this.db.prepare(`SELECT count(*) AS n FROM sqlite_master WHERE type = 'table' AND name IN (?, ?)`).get(STATE_TABLE, LATEST_TABLE) as { n: number | bigint };
    const bothExist = Number(exists.n) === 2;
    if (!bothExist) {
      if (!create) return undefined;
      this.db.exec(CREATE_STATE_TABLE);
    }
    const t = STATE_TABLE;
    const l = LATEST_TABLE;
    const statements: StateStatements = {
      get: this.db.prepare<[string, string], { value: bigint }>(`SELECT value FROM ${t} WHERE namespace = ? AND name = ?`).safeIntegers(true),
      put: this.db.prepare<[string, string, bigint]>(
        `INSERT INTO ${t} (namespace, name, value) VALUES (?, ?, ?) ON CONFLICT (namespace, name) DO UPDATE SET value = excluded.value`,
      ),
      all: this.db.prepare<[string], { name: string; value: bigint }>(`SELECT name, value FROM ${t} WHERE namespace = ? ORDER BY name`).safeIntegers(true),
      prefixed: this.db
        .prepare<[string, string, string], { name: string; value: bigint }>(
          `SELECT name, value FROM ${t} WHERE namespace = ? AND substr(name, 1, length(?)) = ? ORDER BY name`,
        )
        .safeIntegers(true),
      setIfNewer: this.db.prepare<[string, string, bigint, number]>(
        `INSERT INTO ${l} (namespace, name, timestamp, value) VALUES (?, ?, ?, ?) ON CONFLICT (namespace, name) DO UPDATE ` +
          'SET timestamp = excluded.timestamp, value = excluded.value ' +
          'WHERE excluded.timestamp > timestamp OR (excluded.timestamp = timestamp AND excluded.value > value)',
      ),
      allLatest: this.db
        .prepare<[string], { name: string; timestamp: bigint; value: number }>(`SELECT name, timestamp, value FROM ${l} WHERE namespace = ? ORDER BY name`)
        .safeIntegers(true),
    };
    // A table created just now is rolled back with the caller's transaction if that fails:
    // then it is looked for again next time.
    if (bothExist) this.statements = statements;
    return statements;
  }
}
