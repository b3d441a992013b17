// A private PostgreSQL cluster for the tests: Debian's initdb and postgres (package
// postgresql) in a temporary folder, on a free loopback port, with its unix socket in
// that folder too. Never the system's own instance: that may run on 5432 with other data.
// initdb and postgres refuse to run as root, so as root they run as the `postgres` user
// (`runuser -u postgres --`) in a folder that user owns.
import { execFileSync, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { launchOnFreePorts, signalAndWait, spawnServer } from './process-rig.js';
import type { TestCertificates } from './test-ca.js';

/** The cluster's superuser (password authentication over TCP). */
export const POSTGRES_ADMIN = 'kadabra_admin';

/** A private PostgreSQL cluster started for a test. */
export interface PostgresServerHandle {
  readonly host: '127.0.0.1';
  readonly port: number;
  /** The superuser's password. */
  readonly password: string;
  /** `postgresql://kadabra_admin:<password>@127.0.0.1:<port>/<database>` */
  url(database?: string): string;
  /** Runs one statement as the superuser (a new connection each time) and returns its rows. */
  query<R extends Record<string, unknown> = Record<string, unknown>>(sql: string, params?: readonly unknown[], database?: string): Promise<R[]>;
  /** Creates a database (as the superuser) and returns its name. */
  createDatabase(name?: string): Promise<string>;
  /** Stops it (SIGINT: fast shutdown). */
  stop(): Promise<void>;
  /** Kills the postmaster (SIGKILL); the next start recovers. */
  kill(): Promise<void>;
  /** Starts it again on the same port and data folder. */
  start(): Promise<void>;
  /** Stops it and removes its folder. */
  dispose(): Promise<void>;
}

/** Options of `startPostgresServer`. */
export interface PostgresServerOptions {
  /** Serve TLS as well (ssl = on) with the test CA's server certificate; `hostssl` required. */
  readonly tls?: TestCertificates;
}

/** The newest Debian PostgreSQL installation's bin folder (`/usr/lib/postgresql/<major>/bin`). */
export function postgresBinDir(): string {
  const root = '/usr/lib/postgresql';
  const majors = existsSync(root)
    ? readdirSync(root)
        .filter((name) => /^\d+$/.test(name) && existsSync(join(root, name, 'bin', 'postgres')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  const newest = majors[0];
  if (newest === undefined) {
    throw new Error(`no PostgreSQL server under ${root}: run scripts/ensure-test-services.sh (apt-get install postgresql)`);
  }
  return join(root, newest, 'bin');
}

/** The uid and gid to run the server as: the `postgres` user when we are root, else ourselves. */
function serverUser(): { uid: number; gid: number; asRoot: boolean } {
  const uid = process.getuid?.() ?? 0;
  if (uid !== 0) return { uid, gid: process.getgid?.() ?? 0, asRoot: false };
  const id = (flag: string): number => Number(execFileSync('id', [flag, 'postgres']).toString().trim());
  return { uid: id('-u'), gid: id('-g'), asRoot: true };
}

/** `command args` as the server user: through `runuser -u postgres --` when we are root. */
function asServerUser(asRoot: boolean, command: string, args: readonly string[]): [string, string[]] {
  return asRoot ? ['runuser', ['-u', 'postgres', '--', command, ...args]] : [command, [...args]];
}

/** Starts a private cluster: initdb into a new temporary folder, then postgres on a free loopback port. */
export async function startPostgresServer(options: PostgresServerOptions = {}): Promise<PostgresServerHandle> {
  const bin = postgresBinDir();
  const user = serverUser();
  const dir = mkdtempSync(join(tmpdir(), 'kadabra-postgres-'));
  const data = join(dir, 'data');
  const password = `pw-${Math.random().toString(36).slice(2, 12)}`;
  const pwfile = join(dir, 'pwfile');
  writeFileSync(pwfile, `${password}\n`);
  if (user.asRoot) {
    chownSync(dir, user.uid, user.gid);
    chownSync(pwfile, user.uid, user.gid);
  }
  const [initdb, initdbArgs] = asServerUser(user.asRoot, join(bin, 'initdb'), [
    '-D', data, '-U', POSTGRES_ADMIN, '--pwfile', pwfile, '--auth-local=trust', '--auth-host=scram-sha-256',
    '-E', 'UTF8', '--no-locale', '--no-sync',
  ]);
  execFileSync(initdb, initdbArgs, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  rmSync(pwfile);

  const tlsSettings: string[] = [];
  if (options.tls) {
    // postgres wants its key owned by itself and private.
    for (const [from, to] of [[options.tls.serverCertFile, 'server.crt'], [options.tls.serverKeyFile, 'server.key'], [options.tls.caFile, 'ca.crt']] as const) {
      copyFileSync(from, join(data, to));
      chmodSync(join(data, to), 0o600);
      if (user.asRoot) chownSync(join(data, to), user.uid, user.gid);
    }
    tlsSettings.push('-c', 'ssl=on', '-c', 'ssl_cert_file=server.crt', '-c', 'ssl_key_file=server.key', '-c', 'ssl_ca_file=ca.crt');
  }

  let port = 0;
  let child: ChildProcess | undefined;
  const admin = (database = 'postgres'): pg.ClientConfig => ({
    host: '127.0.0.1', port, user: POSTGRES_ADMIN, password, database, connectionTimeoutMillis: 10_000,
  });
  const ready = async (): Promise<boolean> => {
    const client = new pg.Client({ ...admin(), connectionTimeoutMillis: 2000 });
    client.on('error', () => undefined);
    try {
      await client.connect();
      await client.query('SELECT 1');
      return true;
    } catch {
      return false;
    } finally {
      await client.end().catch(() => undefined);
    }
  };
  const launch = async (): Promise<void> => {
    const [command, args] = asServerUser(user.asRoot, join(bin, 'postgres'), [
      '-D', data, '-p', String(port), '-k', dir, '-c', 'listen_addresses=127.0.0.1',
      '-c', 'fsync=off', '-c', 'full_page_writes=off', '-c', 'shared_buffers=32MB', '-c', 'max_connections=60',
      '-c', 'max_wal_size=256MB', '-c', 'logging_collector=off', ...tlsSettings,
    ]);
    child = await spawnServer({
      command,
      args,
      ready,
      what: `postgres on port ${port} (data: ${data})`,
      timeoutMs: 30_000,
      intervalMs: 100,
    });
  };
  await launchOnFreePorts(1, async ([chosen]) => {
    port = chosen ?? 0;
    await launch();
  });

  // runuser passes SIGTERM and SIGINT on to postgres and waits for it; SIGKILL must go to
  // the postmaster itself (its pid is the first line of postmaster.pid).
  const postmasterPid = (): number | undefined => {
    try {
      const text = readFileSync(join(data, 'postmaster.pid'), 'utf8').split('\n')[0]?.trim() ?? '';
      return /^\d+$/.test(text) ? Number(text) : undefined;
    } catch {
      return undefined;
    }
  };
  const stop = async (): Promise<void> => {
    const pid = postmasterPid();
    if (pid !== undefined && child && child.exitCode === null && child.signalCode === null) {
      try {
        process.kill(pid, 'SIGINT');
      } catch {
        // already gone
      }
    }
    await signalAndWait(child, 'SIGINT');
  };
  const query = async <R extends Record<string, unknown>>(sql: string, params: readonly unknown[] = [], database?: string): Promise<R[]> => {
    const client = new pg.Client(admin(database));
    await client.connect();
    try {
      return (await client.query<R>(sql, params as unknown[])).rows;
    } finally {
      await client.end();
    }
  };

  return {
    host: '127.0.0.1',
    port,
    password,
    url: (database = 'postgres') => `postgresql://${POSTGRES_ADMIN}:${password}@127.0.0.1:${port}/${database}`,
    query,
    createDatabase: async (name = `kadabra_${Math.random().toString(36).slice(2, 10)}`) => {
      await query(`CREATE DATABASE "${name}"`);
      return name;
    },
    stop,
    kill: async () => {
      const pid = postmasterPid();
      if (pid !== undefined) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
      await signalAndWait(child, 'SIGKILL');
      // The postmaster's children notice it is gone and exit; a stale postmaster.pid is
      // fine: the next start sees no process with that pid.
    },
    start: launch,
    dispose: async () => {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
