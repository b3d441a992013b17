import type { AppConfig } from '../app/app-config.js';
import type { InfluxDBServerHandle } from '../../test/support/influxdb-server.js';
import type { PostgresServerHandle } from '../../test/support/postgres-server.js';
import { countAndSumByApp as influxCountAndSumByApp, MEASUREMENT, valuesOfApp as influxValuesOfApp } from '../reconcile/influx-values.js';
import type { SlowProxy } from './slow-proxy.js';
import type { TcpDelayProxy } from './tcp-delay-proxy.js';

/** The databases a chaos row can publish into. */
export type ChaosStoreType = 'influxdb' | 'postgres' | 'prometheus';

/** Count and SUM(value) of one app's points. */
export interface AppTotals {
  readonly count: number;
  readonly sum: number;
}

/** What every store of a chaos row does, whatever the reconciliation reads from it. */
interface StoreBase {
  /** The server's name in the row's failures ("InfluxDB holds ..."). */
  readonly name: string;
  /** Creates what the scenario's `database` needs before the first agent starts. */
  prepare(database: string): Promise<void>;
  /** `AGENT_PUBLISHER_TYPE` and `AGENT_PUBLISHER_ARGS` (and whatever else the agents need) for `database`. */
  publisherConfig(database: string, timeoutSeconds: number): Record<string, unknown>;
  /** What the row's apps must do besides the usual for this store to reconcile them. */
  readonly appOverrides?: Partial<AppConfig>;
  /** Frees what `prepare` started for `database` (the row is over). */
  release?(database: string): Promise<void>;
}

/** A store of a row's agents: reconciled message by message, or from totals only. */
export type ChaosStore = MessageStore | TotalsStore;

/**
 * A store that keeps every message (InfluxDB, PostgreSQL): the same questions asked of
 * each, so one reconciliation, by sequence number, serves both.
 */
export interface MessageStore extends StoreBase {
  readonly reconciles: 'messages';
  /** Count and SUM(value) per app, as the server computes them. */
  countAndSumByApp(database: string): Promise<Map<string, AppTotals>>;
  /** Every stored value of one app, one per point (duplicates included). */
  valuesOfApp(database: string, app: string): Promise<number[]>;
  /**
   * Points the server accepted for `database`, every write counted, so that writes
   * beyond one per stored point show; undefined where that is not observable
   * (PostgreSQL drops a republished row at its unique key without a trace).
   */
  pointsWritten(database: string): number | undefined;
}

/**
 * A store that keeps only totals (Prometheus): per app, how many messages it counted and
 * the sum of their values, read once everything is in; no message can be told apart.
 */
export interface TotalsStore extends StoreBase {
  readonly reconciles: 'totals';
  /** Waits until the store shows the totals as they were at `since` (ms since the epoch) or later; the agents still run. */
  settle(database: string, since: number): Promise<void>;
  /** Count and sum per app, as the store reports them (also once the agents have stopped). */
  countAndSumByApp(database: string): Promise<Map<string, AppTotals>>;
  /** Counter resets the store saw (a total that went down): must be 0. */
  counterResets(database: string): Promise<number>;
}

/** InfluxDB behind the HTTP proxy that counts every write. */
export function influxStore(influx: InfluxDBServerHandle, proxy: SlowProxy): MessageStore {
  return {
    name: 'InfluxDB',
    reconciles: 'messages',
    prepare: async () => undefined,
    publisherConfig: (database, timeoutSeconds) => ({
      AGENT_PUBLISHER_TYPE: 'influxdb',
      AGENT_PUBLISHER_ARGS: { host: '127.0.0.1', port: proxy.port, database, timeout: timeoutSeconds, create_database: true },
    }),
    countAndSumByApp: (database) => influxCountAndSumByApp(influx, database),
    valuesOfApp: (database, app) => influxValuesOfApp(influx, database, app),
    pointsWritten: (database) => proxy.pointsWritten(database),
  };
}

/** PostgreSQL (a private cluster) behind the TCP proxy that can hold its answers. */
export function postgresStore(postgres: PostgresServerHandle, proxy: TcpDelayProxy): MessageStore {
  const points = `FROM kadabra_points WHERE name = '${MEASUREMENT}' AND kind = 'counter'`;
  /** The rows of `sql`, or none when the agent has not created the table yet. */
  const rows = async <R extends Record<string, unknown>>(sql: string, params: readonly unknown[], database: string): Promise<R[]> => {
    try {
      return await postgres.query<R>(sql, params, database);
    } catch (error) {
      if ((error as { code?: string }).code === '42P01') return []; // undefined_table
      throw error;
    }
  };
  return {
    name: 'PostgreSQL',
    reconciles: 'messages',
    prepare: async (database) => {
      await postgres.createDatabase(database);
    },
    publisherConfig: (database, timeoutSeconds) => ({
      AGENT_PUBLISHER_TYPE: 'postgres',
      AGENT_PUBLISHER_ARGS: {
        url: postgres.url(database).replace(`:${postgres.port}/`, `:${proxy.port}/`),
        create_schema: true,
        timeout: timeoutSeconds,
      },
    }),
    countAndSumByApp: async (database) => {
      const found = await rows<{ app: string; count: number; sum: number }>(
        `SELECT dimensions->>'app' AS app, count(*)::int AS count, sum(value)::float8 AS sum ${points} GROUP BY 1`,
        [],
        database,
      );
      return new Map(found.map((row) => [row.app, { count: row.count, sum: row.sum }]));
    },
    valuesOfApp: async (database, app) =>
      (await rows<{ value: number }>(`SELECT value ${points} AND dimensions->>'app' = $1`, [app], database)).map((row) => row.value),
    pointsWritten: () => undefined,
  };
}
