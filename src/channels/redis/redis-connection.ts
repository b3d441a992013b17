import { Cluster, Redis, type ClusterOptions, type RedisOptions } from 'ioredis';
import { LogLimiter } from '../../logging/log-limiter.js';
import type { KadabraLogger } from '../../logging/logger.js';
import { registerSecret, registerUrlSecret } from '../../logging/redact-secrets.js';
import type { RedisConnectionArgs } from './redis-channel-args.js';
import { defineScripts } from './redis-scripts.js';
import { RedisNotReadyError } from './redis-not-ready-error.js';
import { readTlsFiles, type TlsOptions } from '../../config/tls-files.js';
import { explainConnectionFailure, type ConnectionTarget } from '../../logging/explain-connection-failure.js';
import { secondsToMilliseconds } from '../../config/duration-seconds.js';
import { backoffDelayMs, type BackoffSteps } from '../../retry/backoff.js';

/** How long a non-blocking command waits for a (re)connecting server before failing. */
export const READY_TIMEOUT_MS = 1000;
/** How long the reason a probe of a cluster's node found is reused before another probe. */
const PROBE_REUSE_MS = 5000;
/** How long `close()` waits for QUIT's answer before dropping the connection. */
const QUIT_TIMEOUT_MS = 500;
/** Pauses between reconnection attempts: 100 ms (the first attempt is number 1), doubling up to 2 s. */
const RECONNECT_BACKOFF: BackoffSteps = { initialMs: 50, maxMs: 2000 };
/**
 * Longest wait for any command's answer: a server that stopped answering (SIGSTOP, a
 * black-holed network) fails the command instead of holding its caller forever. Every
 * command is idempotent or recoverable (an unanswered move leaves items the nanny finds).
 */
export const COMMAND_TIMEOUT_MS = 10_000;
/** At most one connection-error log line per this many ms per connection. */
const ERROR_LOG_INTERVAL_MS = 10_000;

/** Where the channel's arguments are set, for messages that say what to change. */
const REDIS_TARGET: ConnectionTarget = {
  server: 'Redis',
  argsKey: 'the channel arguments (CLIENT_CHANNEL_ARGS / AGENT_CHANNEL_ARGS)',
  tlsSwitch: 'a redis:// or rediss:// url, or tls: false or true',
};

/** A connection to a single server, or to a Redis Cluster (which routes each command by its keys' slot). */
export type RedisClient = Redis | Cluster;

/** Where a Redis channel connects: a single server, or a cluster through its startup nodes (`cluster_nodes`, `host:port` each). */
export type RedisTargetArgs = RedisConnectionArgs & { readonly cluster_nodes?: readonly string[] | undefined };

/** The last error each connection reported, so a timeout can say why. */
const lastErrors = new WeakMap<RedisClient, unknown>();
const targets = new WeakMap<RedisClient, ConnectionTarget>();
/** For a cluster connection: a look at one of its startup nodes alone, resolving with why it cannot be used (or undefined). */
const nodeProbes = new WeakMap<RedisClient, () => Promise<unknown>>();

const tlsOptions = new WeakMap<RedisConnectionArgs, TlsOptions | undefined>();

/**
 * The TLS options of a channel's connections, or undefined without TLS (`rediss://` url or
 * `tls: true` turn it on). The `ca`, `cert` and `key` files are read on the first call for
 * these arguments only: a channel calls this when it is made, so a wrong path fails then.
 *
 * @throws ConfigurationError naming the argument and the path it cannot read.
 */
export function redisTlsOptions(args: RedisConnectionArgs): TlsOptions | undefined {
  if (tlsOptions.has(args)) return tlsOptions.get(args);
  const enabled = args.tls || args.url?.startsWith('rediss://') === true;
  const files = readTlsFiles(args, {
    what: 'redis channel',
    argsKey: 'CLIENT_CHANNEL_ARGS / AGENT_CHANNEL_ARGS',
    enabled,
    enableHint: 'use a rediss:// url or set tls: true',
  });
  const options = enabled ? files : undefined;
  tlsOptions.set(args, options);
  return options;
}

/** Where the channel connects, safe to log (never the password). */
export function describeEndpoint(args: RedisTargetArgs): string {
  if (args.cluster_nodes) return `${args.tls ? 'rediss' : 'redis'}+cluster://${args.cluster_nodes.join(',')}`;
  if (args.url) {
    const url = new URL(args.url);
    return `${url.protocol}//${url.hostname}:${url.port || '6379'}${url.pathname || ''}`;
  }
  return `${args.tls ? 'rediss' : 'redis'}://${args.host}:${args.port}/${args.db}`;
}

/**
 * Opens an ioredis connection for the channel. Commands fail at once while the server is
 * unreachable (no offline queue, no silent re-sends): callers own retrying, so nothing
 * waits unboundedly inside the client library and nothing is sent twice behind our back.
 */
export function openConnection(
  args: RedisTargetArgs,
  logger: KadabraLogger,
  role: string,
): RedisClient {
  const options: RedisOptions = {
    connectTimeout: secondsToMilliseconds(args.connect_timeout),
    enableOfflineQueue: false,
    autoResendUnfulfilledCommands: false,
    maxRetriesPerRequest: 0,
    retryStrategy: (attempt) => backoffDelayMs(attempt, RECONNECT_BACKOFF),
    connectionName: `kadabra:${role}`,
    commandTimeout: COMMAND_TIMEOUT_MS,
  };
  if (args.username !== undefined) options.username = args.username;
  if (args.password !== undefined) {
    options.password = args.password;
    registerSecret(args.password);
  }
  if (args.url !== undefined) registerUrlSecret(args.url);
  const tls = redisTlsOptions(args);
  if (tls !== undefined) options.tls = { ...tls };
  const connection = args.cluster_nodes
    ? openCluster(args.cluster_nodes, options)
    : args.url
      ? new Redis(args.url, { ...options, host: args.host, port: args.port, db: args.db })
      : new Redis({ ...options, host: args.host, port: args.port, db: args.db });
  defineScripts(connection);

  const target: ConnectionTarget = {
    ...REDIS_TARGET,
    tls: tls !== undefined,
    ...(args.cluster_nodes ? { addressArgs: 'cluster_nodes' } : {}),
  };
  targets.set(connection, target);
  const errorLog = new LogLimiter(ERROR_LOG_INTERVAL_MS);
  let errorLogged = false;
  const endpoint = describeEndpoint(args);
  // An 'error' event without a listener would crash the host application.
  connection.on('error', (raw: Error) => {
    const error = nodeReason(raw);
    // A command refused because the socket is gone (no code) says less than the socket
    // error before it (ECONNRESET, a certificate code): keep the one with the cause.
    const previous = lastErrors.get(connection) as { code?: unknown } | undefined;
    if (previous?.code === undefined || (error as { code?: unknown }).code !== undefined) lastErrors.set(connection, error);
    const suppressed = errorLog.admit('error');
    if (suppressed === undefined) return;
    logger.warn(
      { endpoint, role, err: explainConnectionFailure(error, target), suppressed },
      'redis connection error; reconnecting with backoff',
    );
    errorLogged = true;
  });
  connection.on('ready', () => {
    lastErrors.delete(connection);
    if (errorLogged) logger.info({ endpoint, role }, 'redis connection restored');
    errorLogged = false;
    errorLog.reset();
  });
  return connection;
}

/**
 * The reason behind a cluster client's own failure, for its log line: ioredis'
 * `ClusterAllFailedError` ("Failed to refresh slots cache") carries the last node's error
 * as `lastNodeError` (a refused password; often only "Connection is closed", since ioredis
 * drops its topology connections' own errors: see `probeNodes`); any other error as it is.
 */
function nodeReason(error: Error): Error {
  const nodeError = (error as { lastNodeError?: unknown }).lastNodeError;
  return nodeError instanceof Error ? nodeError : error;
}

/**
 * A Redis Cluster client on `startupNodes` (`host:port`): it reads the topology from them,
 * routes each command to the master of its keys' slot, follows MOVED and ASK, and after
 * a failover (a node's connection lost) reads the topology again and sends the command to
 * the new master. Without an offline queue, as for a single server: while the cluster is
 * not reachable, commands fail at once. The node connections get `options` (credentials,
 * TLS, timeouts); ioredis itself decides how they reconnect (it does not: it reads the
 * topology again instead).
 */
function openCluster(startupNodes: readonly string[], options: RedisOptions): Cluster {
  const { retryStrategy, ...nodeOptions } = options;
  const nodes = startupNodes.map((node) => {
    const colon = node.lastIndexOf(':');
    return { host: node.slice(0, colon).replace(/^\[|\]$/g, ''), port: Number(node.slice(colon + 1)) };
  });
  const clusterOptions: ClusterOptions = {
    redisOptions: nodeOptions,
    enableOfflineQueue: false,
    ...(retryStrategy ? { clusterRetryStrategy: retryStrategy } : {}),
    // No periodic refresh (slotsRefreshInterval): ioredis 5.9 may schedule its next round
    // after disconnect(), a timer that keeps the process alive. A command that meets a
    // moved slot (MOVED) or a lost node (its connection closed) has the topology read again.
  };
  const cluster = new Cluster(nodes, clusterOptions);
  // One probe at a time, its answer kept a while: while the cluster stays unreachable,
  // every command's wait would otherwise open a connection of its own.
  let probed: { readonly at: number; readonly reason: Promise<unknown> } | undefined;
  nodeProbes.set(cluster, () => {
    if (probed === undefined || Date.now() - probed.at > PROBE_REUSE_MS) {
      probed = { at: Date.now(), reason: probeNodes(nodes.map((node) => ({ ...nodeOptions, ...node }))) };
    }
    return probed.reason;
  });
  return cluster;
}

/**
 * Why a server cannot be used, found by connecting to it alone and sending PING: its first
 * error (a certificate the CA does not sign, a refused password, a refused connection),
 * or undefined when PING is answered. Used when a cluster client cannot reach its
 * cluster: ioredis reads the topology on a connection of its own whose errors it drops,
 * and then says only "Failed to refresh slots cache".
 */
async function probeNode(options: RedisOptions): Promise<unknown> {
  const probe = new Redis({
    ...options,
    lazyConnect: true,
    retryStrategy: () => null,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    connectTimeout: READY_TIMEOUT_MS,
    commandTimeout: READY_TIMEOUT_MS,
    connectionName: 'kadabra:probe',
  });
  let firstError: unknown;
  probe.on('error', (error: unknown) => {
    const first = firstError as { code?: unknown } | undefined;
    if (first?.code === undefined) firstError = error;
  });
  try {
    await probe.connect();
    await probe.ping();
    return undefined;
  } catch (error) {
    return firstError ?? error;
  } finally {
    probe.disconnect();
  }
}

/**
 * Why none of a cluster's startup nodes can be used: the first node's reason when every
 * one fails (all with the same credentials and TLS settings, they usually fail alike);
 * undefined when one answers (then the cluster is reachable, and its trouble is elsewhere:
 * a failover under way, a slot without a master).
 */
async function probeNodes(nodes: readonly RedisOptions[]): Promise<unknown> {
  const reasons = await Promise.all(nodes.map((node) => probeNode(node)));
  return reasons.every((reason) => reason !== undefined) ? reasons[0] : undefined;
}

/** The last error of `connection`, or for a cluster that gave none a person can act on, why none of its startup nodes can be used. */
async function whyNotReady(connection: RedisClient): Promise<unknown> {
  const cause = lastErrors.get(connection) as { code?: unknown } | undefined;
  const probe = nodeProbes.get(connection);
  if (probe === undefined || cause?.code !== undefined) return cause;
  return (await probe()) ?? cause;
}

/**
 * Resolves once the connection is ready, or rejects after `timeoutMs` with the last reason
 * the connection failed (the server's or the TLS layer's words) and what to change.
 * Commands on a connection that is still (re)connecting would fail at once without an
 * offline queue.
 *
 * @throws RedisNotReadyError once `timeoutMs` has passed.
 */
export function whenReady(connection: RedisClient, timeoutMs: number): Promise<void> {
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
      void whyNotReady(connection).then((cause) => {
        const why = cause === undefined ? `status ${connection.status}` : explainConnectionFailure(cause, targets.get(connection) ?? REDIS_TARGET);
        reject(new RedisNotReadyError(`redis not ready after ${timeoutMs} ms: ${why}`, { cause }));
      });
    }, timeoutMs);
    timer.unref();
    connection.once('ready', onReady);
  });
}

/** QUIT, or a dropped connection if the server has not answered it within `timeoutMs`. */
async function quitWithin(connection: RedisClient, timeoutMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, timeoutMs);
  });
  try {
    await Promise.race([connection.quit(), timedOut]);
  } finally {
    clearTimeout(timer);
    // After QUIT's answer the server closes the connection anyway; without it, this ends the wait.
    connection.disconnect();
  }
}

/**
 * A channel's command connection: opened on first use, waited for (briefly) before each
 * command, closed once. Every Redis channel holds one.
 */
export class ChannelConnection<C extends RedisClient = Redis> {
  private connection: C | undefined;
  private closing: Promise<void> | undefined;

  constructor(
    private readonly args: RedisTargetArgs,
    private readonly logger: KadabraLogger,
  ) {}

  /** Whether `close()` was called. */
  get isClosed(): boolean {
    return this.closing !== undefined;
  }

  /**
   * The connection, once it is ready (waiting up to 1 s for a (re)connecting server).
   * @throws Error once closed; RedisNotReadyError when the server is not reachable.
   */
  async ready(): Promise<C> {
    if (this.closing) throw new Error('channel is closed');
    // A single server's connection is a Redis, a cluster's a Cluster: C says which this one is.
    this.connection ??= openConnection(this.args, this.logger, 'command') as C;
    await whenReady(this.connection, READY_TIMEOUT_MS);
    return this.connection;
  }

  /**
   * Closes the connection; idempotent. Bounded whatever the server does: a server that
   * does not answer QUIT within 0.5 s (stopped, or behind a black hole) has the
   * connection dropped, failing what was still waiting on it.
   */
  close(): Promise<void> {
    this.closing ??= (async () => {
      const connection = this.connection;
      if (!connection) return;
      if (connection.status === 'ready') await quitWithin(connection, QUIT_TIMEOUT_MS);
      else connection.disconnect();
    })();
    return this.closing;
  }
}
