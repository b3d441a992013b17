import { ConfigurationError } from '../errors/configuration-error.js';
import type { KadabraLogger } from '../logging/logger.js';
import type { Channel } from './channel.js';
import type { ChannelOpenOptions } from './channel-open-options.js';
import { RedisChannel } from './redis/redis-channel.js';
import type { RedisChannelArgs } from './redis/redis-channel-args.js';
import { RedisStreamsChannel } from './redis-streams/redis-streams-channel.js';
import type { RedisStreamsChannelArgs } from './redis-streams/redis-streams-channel-args.js';
import { SqliteChannel } from './sqlite/sqlite-channel.js';
import type { SqliteChannelArgs } from './sqlite/sqlite-channel-args.js';

type ChannelFactory = (args: Record<string, unknown>, logger: KadabraLogger, options: ChannelOpenOptions) => Channel;

/** Every channel implementation, by type name. */
const CHANNEL_FACTORIES: Readonly<Record<string, ChannelFactory>> = {
  // Reading a Redis channel creates nothing, so it needs no read-only mode.
  redis: (args, logger) => new RedisChannel(args as Partial<RedisChannelArgs>, logger),
  // Creates its consumer group (and the stream) on its first read; status creates nothing.
  'redis-streams': (args, logger) => new RedisStreamsChannel(args as Partial<RedisStreamsChannelArgs>, logger),
  // better-sqlite3 (optional, native) is loaded only here, when a sqlite channel is made.
  sqlite: (args, logger, options) => new SqliteChannel(args as Partial<SqliteChannelArgs>, logger, options),
};

/** Turns a channel type and its validated args into a channel (`options.readOnly`: it creates nothing). */
export function createChannel(
  type: string,
  args: Record<string, unknown>,
  logger: KadabraLogger,
  options: ChannelOpenOptions = {},
): Channel {
  const factory = CHANNEL_FACTORIES[type];
  if (!factory) {
    throw new ConfigurationError(
      'CHANNEL_TYPE',
      `unknown channel type ${JSON.stringify(type)}; accepted: ${Object.keys(CHANNEL_FACTORIES).join(', ')}`,
    );
  }
  return factory(args, logger, options);
}
