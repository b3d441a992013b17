import type { ArgumentsSpec } from '../config/parse-arguments.js';
import { REDIS_CHANNEL_DEFAULT_ARGS, redisChannelArgsSchema } from './redis/redis-channel-args.js';
import { REDIS_STREAMS_CHANNEL_DEFAULT_ARGS, redisStreamsChannelArgsSchema } from './redis-streams/redis-streams-channel-args.js';
import { SQLITE_CHANNEL_DEFAULT_ARGS, sqliteChannelArgsSchema } from './sqlite/sqlite-channel-args.js';

/**
 * Every channel type, by the name used in `CLIENT_CHANNEL_TYPE` / `AGENT_CHANNEL_TYPE`,
 * with its argument schema and defaults. Configuration validates `*_CHANNEL_ARGS` here;
 * `createChannel` turns the validated args into an implementation.
 */
export const CHANNEL_TYPES: Readonly<Record<string, ArgumentsSpec>> = Object.freeze({
  redis: { schema: redisChannelArgsSchema, defaults: REDIS_CHANNEL_DEFAULT_ARGS },
  'redis-streams': { schema: redisStreamsChannelArgsSchema, defaults: REDIS_STREAMS_CHANNEL_DEFAULT_ARGS },
  sqlite: { schema: sqliteChannelArgsSchema, defaults: SQLITE_CHANNEL_DEFAULT_ARGS },
});
