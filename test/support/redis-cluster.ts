// A real Redis Cluster for tests: 3 masters and 3 replicas, each a redis-server on free
// loopback ports (its own cluster bus port too), joined by `redis-cli --cluster create`.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { clientTlsOptions, startRedisServer, type RedisServerHandle, type RedisServerOptions } from './redis-server.js';
import { waitFor } from './wait-for.js';

const run = promisify(execFile);

/** Masters of the test cluster; each gets one replica. */
export const CLUSTER_MASTERS = 3;

/** One node as `CLUSTER NODES` describes it. */
export interface ClusterNode {
  readonly id: string;
  readonly port: number;
  readonly role: 'master' | 'replica';
  /** Flagged failed (`fail`, or `fail?` as seen from the asking node). */
  readonly failing: boolean;
  /** The master's id, for a replica. */
  readonly masterId: string | undefined;
  /** Slot ranges served, for a master (`[first, last]`). */
  readonly slots: readonly (readonly [number, number])[];
}

/** A running test cluster. */
export interface RedisClusterHandle {
  /** Every node's server, in the order they were started (the first three began as masters). */
  readonly servers: readonly RedisServerHandle[];
  /** Startup nodes for a cluster client (ioredis' `new Cluster(startupNodes)`): every node. */
  readonly startupNodes: readonly { readonly host: '127.0.0.1'; readonly port: number }[];
  /** The topology as a node that runs sees it now. */
  nodes(): Promise<ClusterNode[]>;
  /** The server that is master of `key`'s slot now. */
  masterOf(key: string): Promise<RedisServerHandle>;
  /**
   * Waits until every running node says `cluster_state:ok` and sees `CLUSTER_MASTERS`
   * masters covering all slots, each running and none failing (after a master's kill:
   * until its replica has taken over).
   */
  waitHealthy(timeoutMs?: number): Promise<void>;
  /** Stops every node and removes their folders. */
  dispose(): Promise<void>;
}

/**
 * Options: those of each node (password, persistence, TLS: then every node serves TLS
 * only, its cluster bus and replication too), and the node timeout (default 1,000 ms:
 * quick failovers).
 */
export interface RedisClusterOptions extends Pick<RedisServerOptions, 'password' | 'appendOnly' | 'appendFsync' | 'tls'> {
  readonly nodeTimeoutMs?: number;
}

/** Parses `CLUSTER NODES`. */
export function parseClusterNodes(text: string): ClusterNode[] {
  return text
    .trim()
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const [id = '', address = '', flags = '', master = '-', , , , , ...slotFields] = line.trim().split(' ');
      const flagList = flags.split(',');
      const port = Number(/:(\d+)@/.exec(address)?.[1] ?? Number.NaN);
      const slots = slotFields
        .filter((field) => !field.startsWith('['))
        .map((field): [number, number] => {
          const [first, last = first] = field.split('-');
          return [Number(first), Number(last)];
        });
      return {
        id,
        port,
        role: flagList.includes('master') ? 'master' : 'replica',
        failing: flagList.includes('fail') || flagList.includes('fail?'),
        masterId: master === '-' ? undefined : master,
        slots,
      };
    });
}

/**
 * Runs `use` on a short-lived connection to the node on `port` (not following redirects;
 * over TLS with `tls`), then closes it.
 */
export async function onClusterNode<T>(
  port: number,
  use: (redis: Redis) => Promise<T>,
  password?: string,
  tls?: RedisServerOptions['tls'],
): Promise<T> {
  const redis = new Redis({
    host: '127.0.0.1', port, password, lazyConnect: true, maxRetriesPerRequest: 0, enableOfflineQueue: false, retryStrategy: () => null,
    ...(tls === undefined ? {} : { tls: clientTlsOptions(tls) }),
  });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    return await use(redis);
  } finally {
    redis.disconnect();
  }
}

/** Starts 6 nodes and joins them into a cluster of 3 masters with a replica each; resolves once it is healthy. */
export async function startRedisCluster(options: RedisClusterOptions = {}): Promise<RedisClusterHandle> {
  const nodeOptions: RedisServerOptions = {
    ...(options.password === undefined ? {} : { password: options.password }),
    ...(options.appendOnly === undefined ? {} : { appendOnly: options.appendOnly }),
    ...(options.appendFsync === undefined ? {} : { appendFsync: options.appendFsync }),
    ...(options.tls === undefined ? {} : { tls: options.tls }),
    cluster: { nodeTimeoutMs: options.nodeTimeoutMs ?? 1000 },
  };
  const servers = await Promise.all(Array.from({ length: CLUSTER_MASTERS * 2 }, () => startRedisServer(nodeOptions)));
  const auth = options.password === undefined ? [] : ['-a', options.password, '--no-auth-warning'];
  const tlsCli = options.tls === undefined
    ? []
    : ['--tls', '--cacert', options.tls.certificates.caFile,
        ...(options.tls.authClients ? ['--cert', options.tls.certificates.clientCertFile, '--key', options.tls.certificates.clientKeyFile] : [])];
  const onNode = <T>(port: number, use: (redis: Redis) => Promise<T>): Promise<T> => onClusterNode(port, use, options.password, options.tls);
  const running = async (): Promise<RedisServerHandle[]> => {
    const alive = await Promise.all(servers.map((server) => onNode(server.port, (redis) => redis.ping()).then(() => true, () => false)));
    return servers.filter((_, i) => alive[i]);
  };
  const nodes = async (): Promise<ClusterNode[]> => {
    const [first] = await running();
    if (first === undefined) throw new Error('no node of the cluster runs');
    return parseClusterNodes(String(await onNode(first.port, (redis) => redis.call('CLUSTER', 'NODES'))));
  };
  const healthy = async (): Promise<boolean> => {
    const live = await running();
    const livePorts = new Set(live.map((server) => server.port));
    for (const server of live) {
      const ok = await onNode(server.port, async (redis) => {
        const info = String(await redis.call('CLUSTER', 'INFO'));
        if (!info.includes('cluster_state:ok')) return false;
        const seen = parseClusterNodes(String(await redis.call('CLUSTER', 'NODES')));
        const masters = seen.filter((node) => node.role === 'master' && node.slots.length > 0);
        const covered = masters.flatMap((node) => node.slots).reduce((sum, [first, last]) => sum + last - first + 1, 0);
        // A master that was killed still counts as one until the others fail it over.
        return masters.length === CLUSTER_MASTERS && covered === 16384 && masters.every((node) => !node.failing && livePorts.has(node.port));
      }).catch(() => false);
      if (!ok) return false;
    }
    return live.length > 0;
  };
  const handle: RedisClusterHandle = {
    servers,
    startupNodes: servers.map((server) => ({ host: '127.0.0.1', port: server.port })),
    nodes,
    async masterOf(key) {
      const [first] = await running();
      if (first === undefined) throw new Error('no node of the cluster runs');
      const slot = Number(await onNode(first.port, (redis) => redis.call('CLUSTER', 'KEYSLOT', key)));
      const master = (await nodes()).find((node) => node.role === 'master' && !node.failing && node.slots.some(([a, b]) => a <= slot && slot <= b));
      const server = servers.find((candidate) => candidate.port === master?.port);
      if (server === undefined) throw new Error(`no master serves slot ${slot} of ${key}`);
      return server;
    },
    waitHealthy: (timeoutMs = 30_000) => waitFor(healthy, 'the Redis Cluster healthy', timeoutMs, () => '', 100),
    dispose: async () => {
      await Promise.all(servers.map((server) => server.dispose()));
    },
  };
  try {
    await run('redis-cli', [
      ...auth,
      ...tlsCli,
      '--cluster', 'create',
      ...servers.map((server) => `127.0.0.1:${server.port}`),
      '--cluster-replicas', '1',
      '--cluster-yes',
    ], { timeout: 60_000 });
    await handle.waitHealthy();
    // Every replica has synchronised with its master, so a failover has somewhere to go.
    await waitFor(async () => {
      const replicas = (await nodes()).filter((node) => node.role === 'replica' && !node.failing && node.masterId !== undefined);
      if (replicas.length !== CLUSTER_MASTERS) return false;
      const linked = await Promise.all(replicas.map((node) =>
        onNode(node.port, async (redis) => (await redis.info('replication')).includes('master_link_status:up')).catch(() => false)));
      return linked.every(Boolean);
    }, 'each master with a synchronised replica', 30_000, () => '', 100);
  } catch (error) {
    await handle.dispose();
    throw error;
  }
  return handle;
}
