import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { ConfigurationError } from '../errors/configuration-error.js';

/** The TLS arguments every server connection accepts (Redis channel, InfluxDB publisher). */
export const TLS_ARGUMENTS = {
  /** PEM file of the CA(s) to trust instead of the system's. */
  ca: z.string().min(1).optional(),
  /** PEM file of the client certificate, for servers that require one (with `key`). */
  cert: z.string().min(1).optional(),
  /** PEM file of the client certificate's private key (with `cert`). */
  key: z.string().min(1).optional(),
  /** Name to verify the server's certificate against (and send as SNI), instead of the host. */
  servername: z.string().min(1).optional(),
} as const;

/** The TLS argument values of one connection, as configured. */
export interface TlsArguments {
  readonly ca?: string | undefined;
  readonly cert?: string | undefined;
  readonly key?: string | undefined;
  readonly servername?: string | undefined;
}

/** What `tls.connect` takes: file contents read once, and the server name. */
export interface TlsOptions {
  readonly ca?: Buffer;
  readonly cert?: Buffer;
  readonly key?: Buffer;
  readonly servername?: string;
}

/** Where the arguments were given, for messages: e.g. `redis channel` and its `*_ARGS` keys. */
export interface TlsOwner {
  /** E.g. `redis channel`. */
  readonly what: string;
  /** E.g. `CLIENT_CHANNEL_ARGS / AGENT_CHANNEL_ARGS`. */
  readonly argsKey: string;
  /** Whether the connection uses TLS at all (`rediss://`, `tls`, `https://`, `ssl`). */
  readonly enabled: boolean;
  /** How to turn TLS on, for the message when a TLS argument is given without it. */
  readonly enableHint: string;
}

function readPem(name: 'ca' | 'cert' | 'key', path: string, owner: TlsOwner): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new ConfigurationError(
      `${owner.argsKey}.${name}`,
      `${owner.what} argument ${name} (in ${owner.argsKey}): cannot read ${JSON.stringify(path)} (${code}); ` +
        `give the path of a readable PEM file (relative paths start at ${process.cwd()})`,
    );
  }
}

/**
 * Reads the `ca`, `cert` and `key` files once (at construction, so a wrong path fails
 * at startup) and returns the options for `tls.connect`.
 *
 * @throws ConfigurationError naming the argument and the path that cannot be read, a
 *   `cert` without `key` (or the reverse), or TLS arguments on a connection without TLS.
 */
export function readTlsFiles(args: TlsArguments, owner: TlsOwner): TlsOptions {
  const given = (['ca', 'cert', 'key', 'servername'] as const).filter((name) => args[name] !== undefined);
  if (given.length === 0) return {};
  if (!owner.enabled) {
    throw new ConfigurationError(
      `${owner.argsKey}.${given[0] ?? ''}`,
      `${owner.what} argument ${given.join(', ')} (in ${owner.argsKey}) needs TLS, which is off: ${owner.enableHint}`,
    );
  }
  if ((args.cert === undefined) !== (args.key === undefined)) {
    const missing = args.cert === undefined ? 'cert' : 'key';
    throw new ConfigurationError(
      `${owner.argsKey}.${missing}`,
      `${owner.what} argument ${missing === 'cert' ? 'key' : 'cert'} (in ${owner.argsKey}) needs ${missing} as well: ` +
        'a client certificate is given as both files',
    );
  }
  return {
    ...(args.ca === undefined ? {} : { ca: readPem('ca', args.ca, owner) }),
    ...(args.cert === undefined ? {} : { cert: readPem('cert', args.cert, owner) }),
    ...(args.key === undefined ? {} : { key: readPem('key', args.key, owner) }),
    ...(args.servername === undefined ? {} : { servername: args.servername }),
  };
}
