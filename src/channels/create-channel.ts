import { ConfigurationError } from '../errors/configuration-error.js';
import type { KadabraLogger } from '../logging/logger.js';
import type { Channel } from './channel.js';
import { RedisChannel } from './redis/redis-channel.js';
import type { RedisChannelArgs } from './redis/redis-channel-args.js';
import { SqliteChannel } from './sqlite/sqlite-channel.js';
import type { SqliteChannelArgs } from './sqlite/sqlite-channel-args.js';

type ChannelFactory = (args: Record<string, unknown>, logger: KadabraLogger) => Channel;

/** Every channel implementation, by type name. */
const CHANNEL_FACTORIES: Readonly<Record<string, ChannelFactory>> = {
  redis: (args, logger) => new RedisChannel(args as Partial<RedisChannelArgs>, logger),
  // better-sqlite3 (optional, native) is loaded only here, when a sqlite channel is made.
  sqlite: (args, logger) => new SqliteChannel(args as Partial<SqliteChannelArgs>, logger),
};

/** Turns a channel type and its validated args into a channel. */
export function createChannel(type: string, args: Record<string, unknown>, logger: KadabraLogger): Channel {
  const factory = CHANNEL_FACTORIES[type];
  if (!factory) {
    throw new ConfigurationError(
      'CHANNEL_TYPE',
      `unknown channel type ${JSON.stringify(type)}; accepted: ${Object.keys(CHANNEL_FACTORIES).join(', ')}`,
    );
  }
  return factory(args, logger);
}
