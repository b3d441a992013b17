import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchOnFreePorts, signalAndWait, spawnServer } from './process-rig.js';
import type { TestCertificates } from './test-ca.js';

/** An InfluxQL answer (`/query` JSON). */
export interface InfluxQueryResult {
  readonly results: readonly {
    readonly statement_id?: number;
    readonly error?: string;
    readonly series?: readonly InfluxSeries[];
  }[];
  readonly error?: string;
}

/** One series of an InfluxQL answer. */
export interface InfluxSeries {
  readonly name?: string;
  readonly tags?: Readonly<Record<string, string>>;
  readonly columns: readonly string[];
  readonly values?: readonly (readonly unknown[])[];
}

/** A real influxd (1.x) started for a test on free loopback ports. */
export interface InfluxDBServerHandle {
  /** HTTP port on 127.0.0.1. */
  readonly port: number;
  /** `http://127.0.0.1:<port>` (`https://` with `tls`) */
  readonly url: string;
  /** Runs InfluxQL (POST /query), in `database` when given; throws on an HTTP error. */
  query(q: string, database?: string): Promise<InfluxQueryResult>;
  /** `CREATE DATABASE "<name>"`. */
  createDatabase(name: string): Promise<void>;
  /** POSTs a raw line-protocol body to /write?db=...; returns status and body. */
  write(database: string, body: string): Promise<{ status: number; body: string }>;
  /** Stops it (SIGTERM) and waits for the exit. */
  stop(): Promise<void>;
  /** Starts it again on the same ports and data. */
  start(): Promise<void>;
  /**
   * Restarts it on the same ports and data with some options changed (`tls: undefined`
   * turns https off; `url` follows).
   */
  restartWith(changes: Pick<InfluxDBServerOptions, 'tls' | 'maxSeriesPerDatabase'>): Promise<void>;
  /** Kills it (SIGKILL). */
  kill(): Promise<void>;
  /** Stops it and removes its directory. */
  dispose(): Promise<void>;
}

/** Options of `startInfluxDB`. */
export interface InfluxDBServerOptions {
  /** Require authentication; an admin `admin` with password `admin-secret` is created. */
  readonly auth?: boolean;
  /** Serve HTTPS only (`https-enabled`) with the server certificate of this test CA. */
  readonly tls?: TestCertificates | undefined;
  /**
   * `max-series-per-database` (influxd's default 1,000,000): a write that would create more
   * series is refused (`partial write: max-series-per-database limit exceeded`).
   */
  readonly maxSeriesPerDatabase?: number | undefined;
}

interface Answer {
  readonly status: number;
  readonly body: string;
}

/**
 * One HTTP(S) request trusting `ca` (global fetch cannot be given a CA per request on
 * Node 20 without undici's own Agent).
 */
function send(url: string, init: { method?: string; body?: string; headers?: Record<string, string>; ca?: Buffer; timeoutMs?: number }): Promise<Answer> {
  const request = url.startsWith('https:') ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = request(url, { method: init.method ?? 'GET', headers: init.headers, ca: init.ca, timeout: init.timeoutMs ?? 30_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`${url}: no answer`)));
    req.on('error', reject);
    req.end(init.body);
  });
}

/** User and password of the admin created when `auth` is on. */
export const INFLUX_ADMIN = Object.freeze({ username: 'admin', password: 'admin-secret' });

function config(dir: string, httpPort: number, rpcPort: number, auth: boolean, options: InfluxDBServerOptions): string {
  const { tls, maxSeriesPerDatabase } = options;
  return `reporting-disabled = true
bind-address = "127.0.0.1:${rpcPort}"

[meta]
  dir = "${join(dir, 'meta')}"

[data]
  dir = "${join(dir, 'data')}"
  wal-dir = "${join(dir, 'wal')}"
  query-log-enabled = false
  max-series-per-database = ${maxSeriesPerDatabase ?? 1_000_000}

[monitor]
  store-enabled = false

[http]
  enabled = true
  bind-address = "127.0.0.1:${httpPort}"
  auth-enabled = ${auth}
  log-enabled = false
  pprof-enabled = false
  https-enabled = ${tls !== undefined}
  https-certificate = "${tls?.serverCertFile ?? ''}"
  https-private-key = "${tls?.serverKeyFile ?? ''}"

[logging]
  level = "warn"
  suppress-logo = true

[continuous_queries]
  enabled = false

[retention]
  enabled = false

[shard-precreation]
  enabled = false
`;
}

async function ping(url: string, ca: Buffer | undefined): Promise<boolean> {
  try {
    const answer = await send(`${url}/ping`, { ca, timeoutMs: 1000 });
    return answer.status === 204;
  } catch {
    return false;
  }
}

/**
 * Starts influxd with its own configuration and data directory in a temporary folder,
 * HTTP and RPC bound to free 127.0.0.1 ports, and waits for `/ping` to answer 204.
 */
export async function startInfluxDB(options: InfluxDBServerOptions = {}): Promise<InfluxDBServerHandle> {
  const dir = mkdtempSync(join(tmpdir(), 'kadabra-influxdb-'));
  const auth = options.auth === true;
  let current: InfluxDBServerOptions = options;
  let tls = options.tls;
  let ca = tls ? readFileSync(tls.caFile) : undefined;
  let port = 0;
  let rpcPort = 0;
  let child: ChildProcess | undefined;
  const url = (): string => `${tls ? 'https' : 'http'}://127.0.0.1:${port}`;
  const authHeader = auth
    ? { Authorization: `Basic ${Buffer.from(`${INFLUX_ADMIN.username}:${INFLUX_ADMIN.password}`).toString('base64')}` }
    : undefined;

  const launch = async (): Promise<void> => {
    const configPath = join(dir, 'influxdb.conf');
    writeFileSync(configPath, config(dir, port, rpcPort, auth, current));
    child = await spawnServer({
      command: 'influxd',
      args: ['run', '-config', configPath],
      ready: () => ping(url(), ca),
      what: `influxd on port ${port}`,
    });
  };

  await launchOnFreePorts(2, async ([http, rpc]) => {
    port = http ?? 0;
    rpcPort = rpc ?? 0;
    await launch();
  });

  const post = (path: string, body: string, contentType: string): Promise<Answer> =>
    send(`${url()}${path}`, { method: 'POST', body, ca, headers: { 'Content-Type': contentType, ...authHeader } });

  const query = async (q: string, database?: string): Promise<InfluxQueryResult> => {
    const params = new URLSearchParams({ q });
    if (database !== undefined) params.set('db', database);
    const answer = await post('/query', params.toString(), 'application/x-www-form-urlencoded');
    if (answer.status !== 200) throw new Error(`InfluxQL ${q} answered ${answer.status}: ${answer.body}`);
    return JSON.parse(answer.body) as InfluxQueryResult;
  };

  if (auth) {
    // With no user yet, influxd lets anyone create the first admin.
    const params = new URLSearchParams({
      q: `CREATE USER "${INFLUX_ADMIN.username}" WITH PASSWORD '${INFLUX_ADMIN.password}' WITH ALL PRIVILEGES`,
    });
    const answer = await send(`${url()}/query`, {
      method: 'POST',
      body: params.toString(),
      ca,
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    });
    if (answer.status !== 200) throw new Error(`cannot create the admin user: ${answer.body}`);
  }

  const signal = (name: NodeJS.Signals): Promise<void> => signalAndWait(child, name);

  return {
    port,
    get url() {
      return url();
    },
    query,
    createDatabase: async (name) => {
      const result = await query(`CREATE DATABASE "${name.replace(/[\\"]/g, '\\$&')}"`);
      const error = result.results[0]?.error;
      if (error !== undefined) throw new Error(`CREATE DATABASE ${name}: ${error}`);
    },
    write: (database, body) => post(`/write?db=${encodeURIComponent(database)}`, body, 'text/plain; charset=utf-8'),
    stop: () => signal('SIGTERM'),
    start: async () => {
      await signal('SIGTERM');
      await launch();
    },
    restartWith: async (changes) => {
      await signal('SIGTERM');
      current = { ...current, ...changes };
      tls = current.tls;
      ca = tls ? readFileSync(tls.caFile) : undefined;
      await launch();
    },
    kill: () => signal('SIGKILL'),
    dispose: async () => {
      await signal('SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A database name unique to one test (and process), safe unquoted in InfluxQL. */
export function uniqueDatabase(prefix = 'test'): string {
  return `${prefix}_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
}
