import { Redis } from 'ioredis';
import { RedisChannel } from '../../../src/channels/redis/redis-channel.js';
import { createLogger } from '../../../src/logging/logger.js';
import { channelConformance } from '../../conformance/channel-conformance.js';
import { startRedisServer, uniqueKeys } from '../../support/redis-server.js';

const silent = createLogger({ level: 'silent' });

channelConformance('RedisChannel on a real redis-server', async () => {
  const server = await startRedisServer();
  const redis = new Redis(server.port, '127.0.0.1');
  redis.on('error', () => undefined);
  return {
    newStore: async () => {
      const keys = uniqueKeys('conformance');
      return {
        open: (options = {}) =>
          new RedisChannel(
            { host: '127.0.0.1', port: server.port, ...keys, ...(options.deadMaxLength ? { dead_max_length: options.deadMaxLength } : {}) },
            silent,
          ),
        pushRaw: async (raws) => {
          // LPUSH, as the Python client does: the first pushed is received first.
          for (const raw of raws) await redis.lpush(keys.queue_key, raw);
        },
      };
    },
    dispose: async () => {
      redis.disconnect();
      await server.dispose();
    },
  };
});
