import type { InfluxDBServerHandle } from '../../test/support/influxdb-server.js';
import type { PostgresServerHandle } from '../../test/support/postgres-server.js';
import { countAndSumByApp as influxCountAndSumByApp, MEASUREMENT, valuesOfApp as influxValuesOfApp } from '../reconcile/influx-values.js';
import type { SlowProxy } from './slow-proxy.js';
import type { TcpDelayProxy } from './tcp-delay-proxy.js';

/** The databases a chaos row can publish into. */
export type ChaosStoreType = 'influxdb' | 'postgres';

/** Count and SUM(value) of one app's points. */
export interface AppTotals {
  readonly count: number;
  readonly sum: number;
}

/**
 * Where a scenario's agents publish, and what the reconciliation reads back: the same
 * questions asked of InfluxDB or of PostgreSQL, so one reconciliation serves both.
 */
export interface ChaosStore {
  /** The server's name in the row's failures ("InfluxDB holds ..."). */
  readonly name: string;
  /** Creates what the scenario's `database` needs before the first agent starts. */
  prepare(database: string): Promise<void>;
  /** `AGENT_PUBLISHER_TYPE` and `AGENT_PUBLISHER_ARGS` for `database`, through the fault proxy. */
  publisherConfig(database: string, timeoutSeconds: number): Record<string, unknown>;
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

/** InfluxDB behind the HTTP proxy that counts every write. */
export function influxStore(influx: InfluxDBServerHandle, proxy: SlowProxy): ChaosStore {
  return {
    name: 'InfluxDB',
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
export function postgresStore(postgres: PostgresServerHandle, proxy: TcpDelayProxy): ChaosStore {
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
