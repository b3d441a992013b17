import { Redis } from 'ioredis';
import { startInfluxDB, type InfluxDBServerHandle } from '../../test/support/influxdb-server.js';
import { startPostgresServer, type PostgresServerHandle } from '../../test/support/postgres-server.js';
import { startRedisServer, type RedisServerHandle } from '../../test/support/redis-server.js';
import { influxStore, postgresStore, type ChaosStore, type ChaosStoreType } from './chaos-store.js';
import { startSlowProxy, type SlowProxy } from './slow-proxy.js';
import { prometheusStore } from './prometheus-store.js';
import { startTcpDelayProxy, type TcpDelayProxy } from './tcp-delay-proxy.js';

/** PostgreSQL and the proxy the agents reach it through, started for the first row that needs them. */
export interface PostgresEnvironment {
  readonly server: PostgresServerHandle;
  readonly proxy: TcpDelayProxy;
  readonly store: ChaosStore;
}

/** The real servers every scenario runs against. */
export interface Environment {
  /** redis-server with AOF persistence, `appendfsync everysec`, as a user configures it. */
  readonly redis: RedisServerHandle;
  readonly influx: InfluxDBServerHandle;
  /** The agents reach InfluxDB through this proxy (slow answers on demand). */
  readonly proxy: SlowProxy;
  /** A plain connection to Redis for inspecting and injecting (reconnects after restarts). */
  readonly inspector: Redis;
  /** The store of a row's database type (PostgreSQL is started on first use; Prometheus for each row by the store). */
  store(type: ChaosStoreType): Promise<ChaosStore>;
  /** PostgreSQL, if a row has started it. */
  readonly postgres: PostgresEnvironment | undefined;
  close(): Promise<void>;
}

/** Starts redis-server, influxd and the proxy. */
export async function startEnvironment(): Promise<Environment> {
  const redis = await startRedisServer({ appendOnly: true, appendFsync: 'everysec' });
  let influx: InfluxDBServerHandle | undefined;
  try {
    influx = await startInfluxDB();
    const proxy = await startSlowProxy(influx.port);
    const inspector = new Redis({ host: '127.0.0.1', port: redis.port, maxRetriesPerRequest: 50, lazyConnect: false });
    inspector.on('error', () => undefined);
    const influxRows = influxStore(influx, proxy);
    const prometheusRows = prometheusStore();
    const started = influx;
    let postgres: PostgresEnvironment | undefined;
    return {
      redis,
      influx: started,
      proxy,
      inspector,
      get postgres() {
        return postgres;
      },
      async store(type) {
        if (type === 'influxdb') return influxRows;
        if (type === 'prometheus') return prometheusRows;
        if (postgres === undefined) {
          const server = await startPostgresServer();
          const pgProxy = await startTcpDelayProxy(server.port);
          postgres = { server, proxy: pgProxy, store: postgresStore(server, pgProxy) };
        }
        return postgres.store;
      },
      close: async () => {
        inspector.disconnect();
        await proxy.close();
        await started.dispose();
        await redis.dispose();
        if (postgres) {
          await postgres.proxy.close();
          await postgres.server.dispose();
        }
      },
    };
  } catch (error) {
    await influx?.dispose();
    await redis.dispose();
    throw error;
  }
}
