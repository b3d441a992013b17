import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchOnFreePorts, signalAndWait, spawnServer } from './process-rig.js';
import type { TestCertificates } from './test-ca.js';

export { freePort } from './process-rig.js';

/** A real redis-server started for a test on a free loopback port. */
export interface RedisServerHandle {
  readonly port: number;
  /** `redis://127.0.0.1:<port>` (`rediss://` with `tls`) */
  readonly url: string;
  /** Stops it cleanly (SIGTERM; with appendOnly, everything acknowledged is kept). */
  stop(): Promise<void>;
  /** Kills it (SIGKILL). */
  kill(): Promise<void>;
  /** Starts it again on the same port and data directory. */
  restart(): Promise<void>;
  /** Freezes it (SIGSTOP): connections stay open and nothing is answered. */
  pause(): void;
  /** Lets a paused server run again (SIGCONT). */
  resume(): void;
  /** Stops it and removes its data directory. */
  dispose(): Promise<void>;
}

/** Options of `startRedisServer`. */
export interface RedisServerOptions {
  /** AOF persistence with fsync on every write (default false: nothing on disk). */
  readonly appendOnly?: boolean;
  /** With `appendOnly`: `always` (default) or `everysec`, as a user configures it for speed. */
  readonly appendFsync?: 'always' | 'everysec';
  /** Require this password (AUTH) from clients. */
  readonly password?: string;
  /**
   * Serve TLS only (`--tls-port`, no plain port) with these certificates; with
   * `authClients` (Redis' own default) clients must present a certificate the CA signed.
   */
  readonly tls?: { readonly certificates: TestCertificates; readonly authClients: boolean };
  /**
   * Run as a Redis Cluster node (`--cluster-enabled yes`) with its cluster bus on a
   * second free port and this node timeout (how long until a silent master is failed over).
   */
  readonly cluster?: { readonly nodeTimeoutMs: number };
}

/** A client's TLS options for a server started with `tls`: the test CA, and the client certificate when the server asks for one. */
export function clientTlsOptions(tls: NonNullable<RedisServerOptions['tls']>): { ca: Buffer; cert?: Buffer; key?: Buffer } {
  const { certificates, authClients } = tls;
  return {
    ca: readFileSync(certificates.caFile),
    ...(authClients ? { cert: readFileSync(certificates.clientCertFile), key: readFileSync(certificates.clientKeyFile) } : {}),
  };
}

function pingTls(port: number, tls: NonNullable<RedisServerOptions['tls']>): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = tlsConnect({ host: '127.0.0.1', port, ...clientTlsOptions(tls) });
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => done(false));
    socket.once('error', () => done(false));
    socket.once('secureConnect', () => socket.write('PING\r\n'));
    socket.once('data', (data) => done(/^(\+PONG|-NOAUTH)/.test(data.toString())));
  });
}

function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket();
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => done(false));
    socket.once('error', () => done(false));
    socket.connect(port, '127.0.0.1', () => socket.write('PING\r\n'));
    // Without AUTH a password-protected server answers -NOAUTH: it is up all the same.
    socket.once('data', (data) => done(/^(\+PONG|-NOAUTH)/.test(data.toString())));
  });
}

/** Starts a redis-server on a free loopback port in its own temporary directory. */
export async function startRedisServer(options: RedisServerOptions = {}): Promise<RedisServerHandle> {
  const dir = mkdtempSync(join(tmpdir(), 'kadabra-redis-'));
  let port = 0;
  let busPort = 0;
  let child: ChildProcess | undefined;

  const launch = async (): Promise<void> => {
    const tls = options.tls;
    const listen = tls
      ? ['--port', '0', '--tls-port', String(port), '--tls-cert-file', tls.certificates.serverCertFile,
          '--tls-key-file', tls.certificates.serverKeyFile, '--tls-ca-cert-file', tls.certificates.caFile,
          '--tls-auth-clients', tls.authClients ? 'yes' : 'no']
      : ['--port', String(port)];
    const args = [
      ...listen, '--bind', '127.0.0.1', '--dir', dir, '--save', '',
      '--daemonize', 'no', '--logfile', join(dir, 'redis.log'), '--protected-mode', 'yes',
      ...(options.password ? ['--requirepass', options.password] : []),
      ...(options.appendOnly ? ['--appendonly', 'yes', '--appendfsync', options.appendFsync ?? 'always'] : ['--appendonly', 'no']),
      ...(options.password && options.cluster ? ['--masterauth', options.password] : []),
      ...(options.cluster
        ? ['--cluster-enabled', 'yes', '--cluster-config-file', join(dir, 'nodes.conf'), '--cluster-port', String(busPort),
            '--cluster-node-timeout', String(options.cluster.nodeTimeoutMs)]
        : []),
      // A TLS cluster node speaks TLS on its bus and to its master too, presenting the
      // client certificate there (the server's is for serverAuth only).
      ...(options.cluster && tls
        ? ['--tls-cluster', 'yes', '--tls-replication', 'yes',
            '--tls-client-cert-file', tls.certificates.clientCertFile, '--tls-client-key-file', tls.certificates.clientKeyFile]
        : []),
    ];
    child = await spawnServer({
      command: 'redis-server',
      args,
      ready: () => (tls ? pingTls(port, tls) : ping(port)),
      what: `redis-server on port ${port} (its log: ${dir}/redis.log)`,
      timeoutMs: 10_000,
      intervalMs: 25,
    });
  };

  await launchOnFreePorts(options.cluster ? 2 : 1, async ([chosen, bus]) => {
    port = chosen ?? 0;
    busPort = bus ?? 0;
    await launch();
  });

  const signal = (name: NodeJS.Signals): Promise<void> => signalAndWait(child, name);

  return {
    port,
    url: `${options.tls ? 'rediss' : 'redis'}://127.0.0.1:${port}`,
    stop: () => signal('SIGTERM'),
    kill: () => signal('SIGKILL'),
    pause: () => void child?.kill('SIGSTOP'),
    resume: () => void child?.kill('SIGCONT'),
    restart: async () => {
      await signal('SIGTERM');
      await launch();
    },
    dispose: async () => {
      child?.kill('SIGCONT');
      await signal('SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Keys unique to one test, so tests can share a server. */
export function uniqueKeys(prefix = 'test'): { queue_key: string; inprogress_key: string; dead_key: string } {
  const id = `${prefix}:${process.pid}:${Math.random().toString(36).slice(2, 10)}`;
  return { queue_key: `${id}:queue`, inprogress_key: `${id}:inprogress`, dead_key: `${id}:dead` };
}

/** A stream key unique to one test, with a hash tag of its own (as the streams channel requires). */
export function uniqueStreamKey(prefix = 'test'): string {
  return `{${prefix}:${process.pid}:${Math.random().toString(36).slice(2, 10)}}:stream`;
}
