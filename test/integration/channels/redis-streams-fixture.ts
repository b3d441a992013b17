import { after, afterEach, before } from 'node:test';
import { Redis } from 'ioredis';
import type { Channel } from '../../../src/channels/channel.js';
import { RedisStreamsChannel } from '../../../src/channels/redis-streams/redis-streams-channel.js';
import type { RedisStreamsChannelArgs } from '../../../src/channels/redis-streams/redis-streams-channel-args.js';
import { createLogger } from '../../../src/logging/logger.js';
import { startRedisServer, type RedisServerHandle } from '../../support/redis-server.js';

const silent = createLogger({ level: 'silent' });

/** A redis-server for the tests of one `describe`, a plain client on it, and channels on it. */
export interface StreamsFixture {
  /** The server (set once the `describe`'s tests run). */
  readonly server: RedisServerHandle;
  /** A plain client on it, to look at the keys. */
  readonly redis: Redis;
  /** A Redis Streams channel on the server with these arguments, closed after the test. */
  open(args?: Partial<RedisStreamsChannelArgs>): RedisStreamsChannel;
  /** `channel`, closed after the test. */
  track<C extends Channel>(channel: C): C;
}

/** Registers, in the calling `describe`, the hooks that start the server, close each test's channels, and stop it. */
export function streamsFixture(): StreamsFixture {
  let server: RedisServerHandle | undefined;
  let redis: Redis | undefined;
  let opened: Channel[] = [];
  before(async () => {
    server = await startRedisServer();
    redis = new Redis(server.port, '127.0.0.1');
    redis.on('error', () => undefined);
  });
  afterEach(async () => {
    await Promise.all(opened.map((channel) => channel.close()));
    opened = [];
  });
  after(async () => {
    redis?.disconnect();
    await server?.dispose();
  });
  const started = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('the redis-server starts in the describe\'s before hook');
    return value;
  };
  const track = <C extends Channel>(channel: C): C => {
    opened.push(channel);
    return channel;
  };
  return {
    get server() {
      return started(server);
    },
    get redis() {
      return started(redis);
    },
    open: (args = {}) => track(new RedisStreamsChannel({ host: '127.0.0.1', port: started(server).port, ...args }, silent)),
    track,
  };
}
