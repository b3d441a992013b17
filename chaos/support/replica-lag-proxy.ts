import { delayedWriter, startTcpProxy } from '../../test/support/tcp-proxy.js';

/**
 * A TCP proxy in front of a Redis Cluster master that the master announces as its
 * address (test/support/cluster-announce.ts), so its clients and its replica connect
 * through it. It can make the replica trail its master: on the replica's link (the
 * connection that sent `PSYNC`), every chunk of the replication stream is passed on the
 * lag in force when it arrived after it arrived, while clients' answers pass at once; when the master dies,
 * what was held is dropped with the link. So a master killed while it lags loses the
 * appends of its last `lagMs` that it had already acknowledged: a replica on a slow link.
 */
export interface ReplicaLagProxy {
  readonly port: number;
  /** Holds the replication stream this long from now on (0: passes it at once). */
  setReplicaLag(lagMs: number): void;
  close(): Promise<void>;
}

/** Starts a proxy to the master on `127.0.0.1:masterPort`. */
export async function startReplicaLagProxy(masterPort: number): Promise<ReplicaLagProxy> {
  let lagMs = 0;
  const proxy = await startTcpProxy(masterPort, ({ client, upstream }) => {
    let replicaLink = false;
    const write = delayedWriter(client);
    return {
      fromClient: (chunk) => {
        if (chunk.includes('PSYNC')) replicaLink = true;
        upstream.write(chunk);
      },
      fromServer: (chunk) => write(chunk, replicaLink ? lagMs : 0),
    };
  });
  return {
    port: proxy.port,
    setReplicaLag(ms) {
      lagMs = ms;
    },
    close: () => proxy.close(),
  };
}
