import type { PoolConfig } from 'pg';
import type { ConnectionOptions } from 'node:tls';
import { secondsToMilliseconds } from '../../config/duration-seconds.js';
import { formatValue } from '../../config/format-value.js';
import { readTlsFiles } from '../../config/tls-files.js';
import { ConfigurationError } from '../../errors/configuration-error.js';
import type { PostgresPublisherArgs } from './postgres-publisher-args.js';

/** Where the publisher connects, and how to name it without its password. */
export interface PostgresTarget {
  /** For node-postgres' `Pool`; holds the password: never log it. */
  readonly pool: PoolConfig;
  /** `postgres://user@host:port/database`, for logs and errors: no password. */
  readonly description: string;
  /** The password, to strip it from any text that leaves the publisher (undefined without one). */
  readonly password: string | undefined;
}

/**
 * `url` parsed, when it is `postgres[ql]://[user[:password]@]host[:port]/database` and nothing more.
 * @throws ConfigurationError naming the argument, the value (its password masked) and the form accepted.
 */
function parseUrl(text: string): URL {
  const url = URL.canParse(text) ? new URL(text) : undefined;
  let problem: string | undefined;
  if (url === undefined || (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') || url.hostname === '') {
    problem = 'it is not a postgres:// URL with a host';
  } else if (url.search !== '' || url.hash !== '') {
    problem = 'a query string is not taken: set TLS with sslmode, ca, cert and key in AGENT_PUBLISHER_ARGS';
  } else if (!/^\/[^/]+$/.test(url.pathname)) {
    problem = 'the path must be the database name';
  }
  if (problem === undefined && url !== undefined) return url;
  throw new ConfigurationError(
    'AGENT_PUBLISHER_ARGS.url',
    `AGENT_PUBLISHER_ARGS.url of publisher "postgres" must be postgres://[user[:password]@]host[:port]/database; got ${formatValue(text, 'url')}: ${problem ?? ''}`,
  );
}

/** `host`, `port`, `database`, `user`, `password` from `url` (each over its argument), or from the arguments. */
function endpointOf(args: PostgresPublisherArgs): { host: string; port: number; database: string; user?: string; password?: string } {
  const user = args.username;
  const password = args.password;
  if (args.url === undefined) {
    return { host: args.host, port: args.port, database: args.database, ...(user === undefined ? {} : { user }), ...(password === undefined ? {} : { password }) };
  }
  const url = parseUrl(args.url);
  const urlUser = decodeURIComponent(url.username);
  const urlPassword = decodeURIComponent(url.password);
  const finalUser = urlUser !== '' ? urlUser : user;
  const finalPassword = url.password !== '' ? urlPassword : password;
  return {
    host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: url.port === '' ? 5432 : Number(url.port),
    database: decodeURIComponent(url.pathname.slice(1)),
    ...(finalUser === undefined ? {} : { user: finalUser }),
    ...(finalPassword === undefined ? {} : { password: finalPassword }),
  };
}

/** node-postgres' `ssl` option for `sslmode` (libpq's meanings), with the files read once. */
function sslOption(args: PostgresPublisherArgs): false | ConnectionOptions {
  const files = readTlsFiles(args, {
    what: 'postgres publisher',
    argsKey: 'AGENT_PUBLISHER_ARGS',
    enabled: args.sslmode !== 'disable',
    enableHint: 'set sslmode to "verify-full" (or "verify-ca", "require") in AGENT_PUBLISHER_ARGS',
  });
  switch (args.sslmode) {
    case 'disable':
      return false;
    case 'require':
      return { ...files, rejectUnauthorized: false };
    case 'verify-ca':
      return { ...files, rejectUnauthorized: true, checkServerIdentity: () => undefined };
    case 'verify-full':
      return { ...files, rejectUnauthorized: true };
  }
}

/**
 * The pool settings of the publisher's arguments: `url` or the separate arguments, TLS
 * files read now (a wrong path fails at startup), `pool_size` connections, `timeout` for
 * connecting and for each statement.
 * @throws ConfigurationError for TLS files that cannot be read or TLS arguments with `sslmode: "disable"`.
 */
export function postgresTarget(args: PostgresPublisherArgs): PostgresTarget {
  const endpoint = endpointOf(args);
  const timeoutMs = secondsToMilliseconds(args.timeout);
  const host = endpoint.host.includes(':') ? `[${endpoint.host}]` : endpoint.host;
  return {
    pool: {
      ...endpoint,
      ssl: sslOption(args),
      max: args.pool_size,
      connectionTimeoutMillis: timeoutMs,
      statement_timeout: timeoutMs,
      idleTimeoutMillis: 30_000,
      keepAlive: true,
      application_name: 'kadabra-agent',
    },
    description: `postgres://${endpoint.user === undefined ? '' : `${encodeURIComponent(endpoint.user)}@`}${host}:${endpoint.port}/${encodeURIComponent(endpoint.database)}`,
    password: endpoint.password === '' ? undefined : endpoint.password,
  };
}

/** `text` with every occurrence of `secret` replaced by `***` (a secret of fewer than 4 characters is left: it would mangle the text). */
export function withoutSecret(text: string, secret: string | undefined): string {
  return secret === undefined || secret.length < 4 ? text : text.split(secret).join('***');
}
