import { registerSecret, registerUrlSecret } from '../../logging/redact-secrets.js';
import type { InfluxDBPublisherArgs } from './influxdb-publisher-args.js';
import { readTlsFiles, type TlsOptions } from '../../config/tls-files.js';

/** Where and how the publisher writes, resolved once from its arguments. */
export interface InfluxDBEndpoint {
  /** Origin and path prefix, e.g. `http://localhost:8086` (no credentials). */
  readonly base: URL;
  /** Path and query of write requests, e.g. `/write?db=kadabra`. */
  readonly writePath: string;
  /** Path of InfluxQL requests (`CREATE DATABASE`). */
  readonly queryPath: string;
  /** Authorization header, if any credentials were given. Never logged. */
  readonly authorization: string | undefined;
  /** What to call the target in logs and errors: origin and database or bucket, no credentials. */
  readonly description: string;
}

interface Credentials {
  readonly username?: string | undefined;
  readonly password?: string | undefined;
  readonly token?: string | undefined;
}

function baseUrl(args: InfluxDBPublisherArgs): { url: URL; fromUrl: Credentials } {
  const url = new URL(args.url ?? `${args.ssl ? 'https' : 'http'}://${args.host}:${args.port}`);
  const fromUrl: Credentials =
    url.username === '' ? {} : { username: decodeURIComponent(url.username), password: decodeURIComponent(url.password) };
  // Credentials go in a header; the URL we keep (and log) carries none.
  url.username = '';
  url.password = '';
  url.search = '';
  url.hash = '';
  if (!url.pathname.endsWith('/')) url.pathname += '/';
  return { url, fromUrl };
}

function authorization(credentials: Credentials): string | undefined {
  if (credentials.token !== undefined) return `Token ${credentials.token}`;
  if (credentials.username !== undefined) {
    return `Basic ${Buffer.from(`${credentials.username}:${credentials.password ?? ''}`).toString('base64')}`;
  }
  return undefined;
}

/**
 * Resolves the write target: `api: "v1"` posts to `/write?db=<database>[&rp=...]`
 * (nanosecond precision is that API's default), `api: "v2"` to
 * `/api/v2/write?[org=...&]bucket=...&precision=ns`. A token is sent as
 * `Authorization: Token ...`, a user name and password with HTTP basic auth (taken
 * from the `url`'s user info when `username` and `token` are unset).
 */
export function resolveEndpoint(args: InfluxDBPublisherArgs): InfluxDBEndpoint {
  for (const secret of [args.password, args.token]) if (secret !== undefined) registerSecret(secret);
  if (args.url !== undefined) registerUrlSecret(args.url);
  const { url: base, fromUrl } = baseUrl(args);
  const prefix = base.pathname.replace(/\/$/, '');
  const params = new URLSearchParams();
  let writePath: string;
  let target: string;
  if (args.api === 'v2') {
    const bucket =
      args.bucket ?? (args.retention_policy === undefined ? args.database : `${args.database}/${args.retention_policy}`);
    if (args.org !== undefined) params.set('org', args.org);
    params.set('bucket', bucket);
    params.set('precision', 'ns');
    writePath = `${prefix}/api/v2/write?${params}`;
    target = `bucket ${JSON.stringify(bucket)}`;
  } else {
    params.set('db', args.database);
    if (args.retention_policy !== undefined) params.set('rp', args.retention_policy);
    writePath = `${prefix}/write?${params}`;
    target = `database ${JSON.stringify(args.database)}`;
  }
  return {
    base,
    writePath,
    queryPath: `${prefix}/query`,
    authorization: authorization(args.token !== undefined || args.username !== undefined ? args : fromUrl),
    description: `${base.origin}${prefix} ${target}`,
  };
}

/**
 * The TLS options of the publisher's connections (reads the `ca`, `cert` and `key` files
 * now), or undefined over http.
 *
 * @throws ConfigurationError naming the argument and the path it cannot read, or TLS
 *   arguments given for an http:// endpoint.
 */
export function influxDBTlsOptions(args: InfluxDBPublisherArgs, endpoint: InfluxDBEndpoint): TlsOptions | undefined {
  const enabled = endpoint.base.protocol === 'https:';
  const options = readTlsFiles(args, {
    what: 'influxdb publisher',
    argsKey: 'AGENT_PUBLISHER_ARGS',
    enabled,
    enableHint: 'use an https:// url or set ssl: true',
  });
  return enabled ? options : undefined;
}
