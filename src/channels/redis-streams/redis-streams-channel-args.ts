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

/** `host:port`, a host name or an IPv4 address (or a bracketed IPv6 one) and a port. */
const HOST_PORT = /^(?:\[[0-9A-Fa-f:.]+\]|[^\s:[\]]+):\d{1,5}$/;

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
    /**
     * How many streams the messages are spread over (see `streamShardKeys`). 1: the
     * stream `stream_key` itself. Recorded in Redis on first use; a process configured
     * with another count refuses to work with it. Default 1.
     */
    shards: z.number().int().min(1).max(1024),
    /**
     * Redis Cluster: startup nodes as `host:port` (any few of the cluster's nodes); the
     * cluster's topology is read from them and followed. Unset: the single server of
     * `host`/`port`/`url`.
     */
    cluster_nodes: z.array(z.string().regex(HOST_PORT, 'must be "host:port", e.g. "10.0.0.5:6379"')).min(1).optional(),
    /**
     * A batch sent counts as delivered only once `WAIT` confirms this many replicas of the
     * node that took it have it; 0: once that node answers. Default 0.
     */
    wait_replicas: z.number().int().min(0),
    /** The longest `WAIT` for `wait_replicas`, in ms (at most 5,000: within the command timeout); a batch not confirmed by then is sent again (appended once only). Default 1000. */
    wait_timeout_ms: z.number().int().min(1).max(5000),
    ...DEAD_MAX_LENGTH_ARGUMENT,
    ...REDIS_ACCESS_ARGUMENTS,
  })
  .strict()
  .refine((args) => args.cluster_nodes === undefined || args.db === 0, {
    message: 'Redis Cluster has only database 0: remove db (or set it to 0) when cluster_nodes is set',
    path: ['db'],
  })
  .refine((args) => args.cluster_nodes === undefined || args.url === undefined, {
    message: 'url names a single server: with cluster_nodes, give the credentials as username and password (and tls, ca...) instead',
    path: ['url'],
  });

/** Arguments of `RedisStreamsChannel`, fully resolved. */
export type RedisStreamsChannelArgs = z.infer<typeof redisStreamsChannelArgsSchema>;

/** Default arguments of the Redis Streams channel. */
export const REDIS_STREAMS_CHANNEL_DEFAULT_ARGS: Readonly<RedisStreamsChannelArgs> = Object.freeze({
  ...REDIS_CONNECTION_DEFAULT_ARGS,
  stream_key: '{kadabra}:stream',
  group: 'kadabra',
  shards: 1,
  wait_replicas: 0,
  wait_timeout_ms: 1000,
});
