import { Redis } from 'ioredis';
import { RedisStreamsChannel } from '../../../src/channels/redis-streams/redis-streams-channel.js';
import { createLogger } from '../../../src/logging/logger.js';
import { channelConformance } from '../../conformance/channel-conformance.js';
import { startRedisServer, uniqueStreamKey } from '../../support/redis-server.js';

const silent = createLogger({ level: 'silent' });

channelConformance('RedisStreamsChannel on a real redis-server', async () => {
  const server = await startRedisServer();
  const redis = new Redis(server.port, '127.0.0.1');
  redis.on('error', () => undefined);
  return {
    newStore: async () => {
      const stream_key = uniqueStreamKey('conformance');
      return {
        open: (options = {}) =>
          new RedisStreamsChannel(
            { host: '127.0.0.1', port: server.port, stream_key, ...(options.deadMaxLength ? { dead_max_length: options.deadMaxLength } : {}) },
            silent,
          ),
        pushRaw: async (raws) => {
          // As any producer would: one entry per message, field m.
          for (const raw of raws) await redis.xadd(stream_key, '*', 'm', raw);
        },
      };
    },
    dispose: async () => {
      redis.disconnect();
      await server.dispose();
    },
  };
});
