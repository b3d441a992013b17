import { z } from 'zod';
import { durationSeconds } from '../../config/duration-seconds.js';

/**
 * Arguments of `SqliteChannel`. Keys are snake_case like the Redis channel's, inside
 * `CLIENT_CHANNEL_ARGS` / `AGENT_CHANNEL_ARGS`.
 */
export const sqliteChannelArgsSchema = z
  .object({
    /** Database file shared by apps and agents; relative to the working directory. Default `./kadabra-channel.db`. */
    path: z.string().min(1),
    /** Logger name for the channel. Default `kadabra.channel`. */
    logger: z.string().min(1),
    /** Alarm threshold on the dead letters (error log, `kadabra status` exits 3); none is ever deleted. Default 10000. */
    dead_max_length: z.number().int().min(1),
    /** Seconds an operation waits for another process holding the write lock before it fails. Default 5. */
    busy_timeout: durationSeconds(),
    /** `normal`: survives any process crash; `full`: also a power loss or OS crash. Default `normal`. */
    synchronous: z.enum(['normal', 'full']),
  })
  .strict();

/** Arguments of `SqliteChannel`, fully resolved. */
export type SqliteChannelArgs = z.infer<typeof sqliteChannelArgsSchema>;

/** Default arguments for the SQLite channel. */
export const SQLITE_CHANNEL_DEFAULT_ARGS: Readonly<SqliteChannelArgs> = Object.freeze({
  path: './kadabra-channel.db',
  logger: 'kadabra.channel',
  dead_max_length: 10000,
  busy_timeout: 5,
  synchronous: 'normal',
});
