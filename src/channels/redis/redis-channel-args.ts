import { z } from 'zod';
import { durationSeconds } from '../../config/duration-seconds.js';
import { secretValue, urlWithCredentials } from '../../config/secret-setting.js';
import { TLS_ARGUMENTS } from '../../config/tls-files.js';

/**
 * Where the server of a Redis channel (list or streams) is, and the channel's logger.
 * Keys are snake_case as in the original's `CLIENT_CHANNEL_ARGS` / `AGENT_CHANNEL_ARGS`.
 */
export const REDIS_SERVER_ARGUMENTS = {
  /** Redis host. Default `localhost`. */
  host: z.string().min(1),
  /** Redis port. Default 6379. */
  port: z.number().int().min(1).max(65535),
  /** Redis database number. Default 0. */
  db: z.number().int().min(0),
  /** Logger name for the channel. Default `kadabra.channel`. */
  logger: z.string().min(1),
} as const;

/** Alarm threshold on the dead letters (error log, `kadabra status` exits 3); none is ever deleted. Default 10000. */
export const DEAD_MAX_LENGTH_ARGUMENT = { dead_max_length: z.number().int().min(1) } as const;

/** How to reach and log in to the server: a url, credentials, TLS (after the channel's own keys). */
export const REDIS_ACCESS_ARGUMENTS = {
  /** `redis://[user:password@]host:port/db` or `rediss://...`; overrides host/port/db. */
  url: urlWithCredentials(
    z
      .string()
      .regex(/^rediss?:\/\//, 'must start with redis:// or rediss://')
      .refine((url) => URL.canParse(url), 'must be a valid URL')
      .optional(),
  ),
  /** Redis ACL user name. */
  username: z.string().optional(),
  /** Redis password. Never logged. */
  password: secretValue(z.string().optional()),
  /** Seconds to wait for a connection. Default 10. */
  connect_timeout: durationSeconds(),
  /** Connect with TLS to host and port (as `rediss://` does). Default false. */
  tls: z.boolean(),
  /** TLS: CA file, client certificate and key files, server name to verify. */
  ...TLS_ARGUMENTS,
} as const;

/** How a Redis channel connects, fully resolved. */
export type RedisConnectionArgs = z.infer<z.ZodObject<typeof REDIS_SERVER_ARGUMENTS & typeof REDIS_ACCESS_ARGUMENTS>>;

/** The defaults of the connection arguments and `dead_max_length` (the original's server: localhost:6379, db 0). */
export const REDIS_CONNECTION_DEFAULT_ARGS: Readonly<RedisConnectionArgs & { dead_max_length: number }> = Object.freeze({
  host: 'localhost',
  port: 6379,
  db: 0,
  logger: 'kadabra.channel',
  dead_max_length: 10000,
  connect_timeout: 10,
  tls: false,
});

/**
 * Arguments of `RedisChannel` (the original's, plus dead letters, `url` and credentials).
 */
export const redisChannelArgsSchema = z
  .object({
    ...REDIS_SERVER_ARGUMENTS,
    /** LIST of pending messages. Default `kadabra_queue`. */
    queue_key: z.string().min(1),
    /** LIST of messages being published. Default `kadabra_inprogress`. */
    inprogress_key: z.string().min(1),
    /** LIST of dead-letter records. Default `kadabra_dead`. */
    dead_key: z.string().min(1),
    ...DEAD_MAX_LENGTH_ARGUMENT,
    ...REDIS_ACCESS_ARGUMENTS,
  })
  .strict();

/** Arguments of `RedisChannel`, fully resolved. */
export type RedisChannelArgs = z.infer<typeof redisChannelArgsSchema>;

/** Default arguments for the Redis channel (the original's `RedisChannel.DEFAULT_ARGS`, extended). */
export const REDIS_CHANNEL_DEFAULT_ARGS: Readonly<RedisChannelArgs> = Object.freeze({
  ...REDIS_CONNECTION_DEFAULT_ARGS,
  queue_key: 'kadabra_queue',
  inprogress_key: 'kadabra_inprogress',
  dead_key: 'kadabra_dead',
});
