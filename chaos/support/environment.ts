import { Redis } from 'ioredis';
import { startInfluxDB, type InfluxDBServerHandle } from '../../test/support/influxdb-server.js';
import { startRedisServer, type RedisServerHandle } from '../../test/support/redis-server.js';
import { startSlowProxy, type SlowProxy } from './slow-proxy.js';

/** The real servers every scenario runs against. */
export interface Environment {
  /** redis-server with AOF persistence, `appendfsync everysec`, as a user configures it. */
  readonly redis: RedisServerHandle;
  readonly influx: InfluxDBServerHandle;
  /** The agents reach InfluxDB through this proxy (slow answers on demand). */
  readonly proxy: SlowProxy;
  /** A plain connection to Redis for inspecting and injecting (reconnects after restarts). */
  readonly inspector: Redis;
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
    const started = influx;
    return {
      redis,
      influx: started,
      proxy,
      inspector,
      close: async () => {
        inspector.disconnect();
        await proxy.close();
        await started.dispose();
        await redis.dispose();
      },
    };
  } catch (error) {
    await influx?.dispose();
    await redis.dispose();
    throw error;
  }
}
