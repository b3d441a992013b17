// A master of the test cluster reached through a proxy: it announces the proxy's port
// (`cluster-announce-port`, as a cluster behind NAT does), so the cluster's clients and
// its own replica connect to it through the proxy.
import { onClusterNode, type RedisClusterHandle } from './redis-cluster.js';
import { waitFor } from './wait-for.js';

/** A master as the cluster was created, before it announced another port. */
export interface AnnouncedMaster {
  /** Its own port. */
  readonly port: number;
  /** The port it announces now. */
  readonly announced: number;
  /** Its replica's port. */
  readonly replica: number;
  /** The slot ranges it serves. */
  readonly slots: readonly (readonly [number, number])[];
}

/**
 * Has the master on `masterPort` announce `announcedPort`, and waits until every node
 * lists it there and its replica's link to it runs through that port.
 * @throws Error when `masterPort` is not a master with a replica.
 */
export async function announceMasterAt(cluster: RedisClusterHandle, masterPort: number, announcedPort: number): Promise<AnnouncedMaster> {
  const nodes = await cluster.nodes();
  const master = nodes.find((node) => node.port === masterPort && node.role === 'master');
  const replica = nodes.find((node) => master !== undefined && node.masterId === master.id);
  if (master === undefined || replica === undefined) throw new Error(`port ${masterPort} is not a master with a replica in the test cluster`);
  await onClusterNode(masterPort, (redis) => redis.config('SET', 'cluster-announce-port', String(announcedPort)));
  await waitFor(async () => {
    const seen = await Promise.all(cluster.servers.map((server) => onClusterNode(server.port, (redis) => redis.call('CLUSTER', 'NODES')).catch(() => '')));
    return seen.every((text) => String(text).split('\n').some((line) => line.startsWith(`${master.id} 127.0.0.1:${announcedPort}@`)));
  }, `every node lists the master ${masterPort} at port ${announcedPort}`, 30_000, () => '', 100);
  await waitFor(async () => {
    const info = await onClusterNode(replica.port, (redis) => redis.info('replication'));
    return info.includes('master_link_status:up') && info.includes(`master_port:${announcedPort}`);
  }, `the replica of ${masterPort} linked to it through port ${announcedPort}`, 30_000, () => '', 100);
  return { port: masterPort, announced: announcedPort, replica: replica.port, slots: master.slots };
}
