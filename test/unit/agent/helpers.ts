import { pino } from 'pino';
import type { KadabraLogger } from '../../../src/logging/logger.js';
import { Counter } from '../../../src/metrics/counter.js';
import { Metrics } from '../../../src/metrics/metrics.js';
import type { LogLine } from '../../support/log-line.js';

export type { LogLine } from '../../support/log-line.js';
export { waitFor } from '../../support/wait-for.js';

/** A message with one counter named `name`. */
export function counterMessage(name: string, value = 1): Metrics {
  return new Metrics([], [new Counter(name, 1_704_164_645_123_456n + BigInt(value), {}, value)], []);
}

/** A pino logger at `level` whose lines are kept in `lines`. */
export function captureLogger(level = 'debug'): { logger: KadabraLogger; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const destination = {
    write(text: string): void {
      for (const line of text.split('\n')) if (line) lines.push(JSON.parse(line) as LogLine);
    },
  };
  return { logger: pino({ level }, destination), lines };
}

/** A logger that discards everything. */
export function silentLogger(): KadabraLogger {
  return pino({ level: 'silent' });
}

/** Resolves after `ms`. */
export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A monotonic clock the test moves by hand, starting at `start` milliseconds. */
export function manualClock(start = 0): { now: () => number; advance: (ms: number) => void } {
  let t = start;
  return { now: () => t, advance: (ms) => (t += ms) };
}
