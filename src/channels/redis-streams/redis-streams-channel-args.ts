import { z } from 'zod';
import {
  DEAD_MAX_LENGTH_ARGUMENT,
  REDIS_ACCESS_ARGUMENTS,
  REDIS_CONNECTION_DEFAULT_ARGS,
  REDIS_SERVER_ARGUMENTS,
} from '../redis/redis-channel-args.js';

/**
 * A key with a hash tag: text between its first `{` and the next `}`, not empty. Redis
 * Cluster places every key with the same tag on one slot.
 */
const HASH_TAGGED = /^[^{]*\{[^}]+\}/;

/**
 * Arguments of `RedisStreamsChannel`: the Redis connection of the list channel (host,
 * port, db, url, credentials, TLS), plus the stream, its consumer group and this
 * process's consumer name.
 */
export const redisStreamsChannelArgsSchema = z
  .object({
    ...REDIS_SERVER_ARGUMENTS,
    /**
     * The STREAM of messages. Every other key of the channel starts with it (dead letters
     * `<stream_key>:dead`, publisher state `<stream_key>:state:<namespace>`), so its hash
     * tag puts them all on one Redis Cluster slot. Default `{kadabra}:stream`.
     */
    stream_key: z.string().regex(HASH_TAGGED, 'must contain a hash tag such as {kadabra}, e.g. "{kadabra}:stream"'),
    /** The consumer group every agent of the stream reads with. Default `kadabra`. */
    group: z.string().min(1),
    /** This agent's consumer name; unset: unique to the process (host, pid, a random part), stable for its life. */
    consumer: z.string().min(1).optional(),
    ...DEAD_MAX_LENGTH_ARGUMENT,
    ...REDIS_ACCESS_ARGUMENTS,
  })
  .strict();

/** Arguments of `RedisStreamsChannel`, fully resolved. */
export type RedisStreamsChannelArgs = z.infer<typeof redisStreamsChannelArgsSchema>;

/** Default arguments of the Redis Streams channel. */
export const REDIS_STREAMS_CHANNEL_DEFAULT_ARGS: Readonly<RedisStreamsChannelArgs> = Object.freeze({
  ...REDIS_CONNECTION_DEFAULT_ARGS,
  stream_key: '{kadabra}:stream',
  group: 'kadabra',
});
