import { createRequire } from 'node:module';
import { isatty } from 'node:tty';
import type { DestinationStream } from 'pino';

/**
 * pino-pretty, loaded on first use only: it and its dependencies take tens of
 * milliseconds to load, which every process using the client or a CLI command would pay
 * for lines it never writes.
 */
function loadPinoPretty(): typeof import('pino-pretty') {
  return createRequire(import.meta.url)('pino-pretty') as typeof import('pino-pretty');
}

/** Accepted values of `AGENT_LOG_FORMAT`. */
export const LOG_FORMATS = ['auto', 'json', 'pretty'] as const;

/**
 * How log lines are written: `json` one JSON object per line (for log collectors),
 * `pretty` short lines for a person, `auto` pretty when they go to a terminal, else JSON.
 */
export type LogFormat = (typeof LOG_FORMATS)[number];

/** Fields every line has that a person at a terminal does not need (they stay in JSON). */
const IGNORED = 'pid,hostname';

/**
 * Whether lines in `format` come out pretty. With `auto`: only when they go to the
 * process's standard output (no destination of the caller's) and it is a terminal.
 */
export function isPretty(format: LogFormat, ownDestination: boolean): boolean {
  if (format !== 'auto') return format === 'pretty';
  return !ownDestination && isatty(1);
}

/**
 * The fields of a log line a person reads: every field but those holding an object or
 * an array. Those (the debug publisher's whole message under `metrics`) stay in JSON
 * lines only; the message text says what they held.
 */
function shortFields(line: string): Record<string, unknown> | string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch {
    return line;
  }
  if (typeof parsed !== 'object' || parsed === null) return line;
  return Object.fromEntries(Object.entries(parsed).filter(([, value]) => typeof value !== 'object' || value === null));
}

/**
 * A pino destination that turns each JSON line into one short human-readable line
 * (`[12:04:05.123] INFO (kadabra.agent): agent started {"channel":"redis",...}`, the local
 * time) and writes it to `target` at once. It calls pino-pretty's formatter in the
 * logging call itself, rather than through its stream or a worker-thread transport: a
 * line is out before the call returns, so nothing is lost when the process exits or
 * crashes, and the debug publisher's lines have left the process when it reports them
 * published, as with JSON lines.
 * @param colour colour the level and message (a terminal that accepts colours).
 */
export function prettyDestination(target: DestinationStream, colour: boolean): DestinationStream {
  const prettify = loadPinoPretty().prettyFactory({
    colorize: colour,
    translateTime: 'SYS:HH:MM:ss.l',
    ignore: IGNORED,
    singleLine: true,
    // Kadabra logs errors as one-line text (`describeError`), and pino-pretty would give an
    // `err` field a line of its own.
    errorLikeObjectKeys: [],
  });
  return { write: (line: string) => target.write(prettify(shortFields(line))) };
}
