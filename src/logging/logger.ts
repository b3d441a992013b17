import { pino, type Logger, type LoggerOptions } from 'pino';
import { isPretty, prettyDestination, type LogFormat } from './log-format.js';
import { REDACTED, redactSecrets } from './redact-secrets.js';

/** The logger type Kadabra uses everywhere (pino's). A user may pass their own. */
export type KadabraLogger = Logger;

/** Keys whose values never reach a log line. */
const REDACTED_PATHS = ['password', '*.password', 'token', '*.token', 'url', '*.url', 'authorization', '*.authorization'];

/** Options for `createLogger`. */
export interface CreateLoggerOptions {
  /** pino level (`trace` ... `fatal`, `silent`). Default `info`. */
  readonly level?: string;
  /** A logger of the user's; Kadabra then logs through children of it. */
  readonly logger?: Logger;
  /** Where a new logger writes (default stdout). */
  readonly destination?: pino.DestinationStream;
  /**
   * `json` (default), `pretty`, or `auto`: pretty when writing to standard output and it is
   * a terminal (a `destination` given is never taken for one).
   */
  readonly format?: LogFormat;
  /** Colour pretty lines (default false). */
  readonly colour?: boolean;
}

/**
 * Returns the user's logger, or a new pino logger at `level` with credentials redacted
 * (`password`/`token`/`url` fields, and any configured credential or URL password in the text),
 * writing synchronously to stdout, JSON lines or short pretty ones by `format`.
 */
export function createLogger(options: CreateLoggerOptions = {}): Logger {
  if (options.logger) return options.logger;
  const settings: LoggerOptions = {
    level: options.level ?? 'info',
    redact: { paths: REDACTED_PATHS, censor: REDACTED },
    // The last line of defence: a credential quoted by a library's error text, a URL
    // with a password, anything configured as one, masked in the finished line.
    hooks: { streamWrite: redactSecrets },
  };
  // Synchronous: the debug publisher's output is what "published" means for it, and an
  // asynchronous write (pino's default) can still be in flight when the agent has already
  // completed the message; a crash then would lose it. Kadabra logs little otherwise.
  const target = options.destination ?? pino.destination({ dest: 1, sync: true });
  const pretty = isPretty(options.format ?? 'json', options.destination !== undefined);
  return pino(settings, pretty ? prettyDestination(target, options.colour ?? false) : target);
}

/**
 * A child logger for one component; `name` is the original's logger name
 * (`kadabra.agent`, `kadabra.channel`, `kadabra.publisher`, `kadabra.client`).
 */
export function componentLogger(root: Logger, name: string): Logger {
  return root.child({ name });
}
