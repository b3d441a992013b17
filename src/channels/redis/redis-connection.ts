import { Redis, type RedisOptions } from 'ioredis';
import type { KadabraLogger } from '../../logging/logger.js';
import type { RedisChannelArgs } from './redis-channel-args.js';
import { defineScripts } from './redis-scripts.js';
import { secondsToMilliseconds } from '../../config/duration-seconds.js';

/** Longest pause between reconnection attempts. */
const MAX_RECONNECT_DELAY_MS = 2000;
/**
 * Longest wait for any command's answer: a server that stopped answering (SIGSTOP, a
 * black-holed network) fails the command instead of holding its caller forever. Every
 * command is idempotent or recoverable (an unanswered move leaves items the nanny finds).
 */
const COMMAND_TIMEOUT_MS = 10_000;
/** At most one connection-error log line per this many ms per connection. */
const ERROR_LOG_INTERVAL_MS = 10_000;

/** Where the channel connects, safe to log (never the password). */
export function describeEndpoint(args: RedisChannelArgs): string {
  if (args.url) {
    const url = new URL(args.url);
    return `${url.protocol}//${url.hostname}:${url.port || '6379'}${url.pathname || ''}`;
  }
  return `redis://${args.host}:${args.port}/${args.db}`;
}

/**
 * Opens an ioredis connection for the channel. Commands fail at once while the server is
 * unreachable (no offline queue, no silent re-sends): callers own retrying, so nothing
 * waits unboundedly inside the client library and nothing is sent twice behind our back.
 */
export function openConnection(
  args: RedisChannelArgs,
  logger: KadabraLogger,
  role: string,
): Redis {
  const options: RedisOptions = {
    host: args.host,
    port: args.port,
    db: args.db,
    connectTimeout: secondsToMilliseconds(args.connect_timeout),
    enableOfflineQueue: false,
    autoResendUnfulfilledCommands: false,
    maxRetriesPerRequest: 0,
    retryStrategy: (attempt) => Math.min(50 * 2 ** Math.min(attempt, 10), MAX_RECONNECT_DELAY_MS),
    connectionName: `kadabra:${role}`,
    commandTimeout: COMMAND_TIMEOUT_MS,
  };
  if (args.username !== undefined) options.username = args.username;
  if (args.password !== undefined) options.password = args.password;
  const connection = args.url ? new Redis(args.url, options) : new Redis(options);
  defineScripts(connection);

  let lastLogged = 0;
  let suppressed = 0;
  const endpoint = describeEndpoint(args);
  // An 'error' event without a listener would crash the host application.
  connection.on('error', (error: Error) => {
    const now = Date.now();
    if (now - lastLogged < ERROR_LOG_INTERVAL_MS) {
      suppressed += 1;
      return;
    }
    logger.warn(
      { endpoint, role, err: error.message, suppressed },
      'redis connection error; reconnecting with backoff',
    );
    lastLogged = now;
    suppressed = 0;
  });
  connection.on('ready', () => {
    if (lastLogged !== 0) logger.info({ endpoint, role }, 'redis connection restored');
    lastLogged = 0;
  });
  return connection;
}

/**
 * Resolves once the connection is ready, or rejects after `timeoutMs`. Commands on a
 * connection that is still (re)connecting would fail at once without an offline queue.
 */
export function whenReady(connection: Redis, timeoutMs: number): Promise<void> {
  if (connection.status === 'ready') return Promise.resolve();
  if (connection.status === 'end' || connection.status === 'wait') {
    connection.connect().catch(() => {
      // Failures surface through 'error' and the timeout below.
    });
  }
  return new Promise((resolve, reject) => {
    const onReady = (): void => {
      clearTimeout(timer);
      resolve();
    };
    const timer = setTimeout(() => {
      connection.off('ready', onReady);
      reject(new Error(`redis not ready after ${timeoutMs} ms (status ${connection.status})`));
    }, timeoutMs);
    timer.unref();
    connection.once('ready', onReady);
  });
}
