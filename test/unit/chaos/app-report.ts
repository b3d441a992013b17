import type { AppReport } from '../../../chaos/app/app-config.js';

/**
 * A chaos app's report: `sent` messages, those in `unacknowledged` never acknowledged (counted
 * as dropped), the rest acknowledged by `ackedWrites` (`[ms, first seq, last seq]`), and
 * `inDoubt` the sequence numbers of client writes that failed once they had gone out.
 */
export function appReport(
  sent: number,
  unacknowledged: number[] = [],
  ackedWrites: [number, number, number][] = [[1_000, 1, sent]],
  inDoubt: number[] = [],
): AppReport {
  return {
    name: 'app',
    sent,
    throws: 0,
    stats: { delivered: sent - unacknowledged.length, dropped: unacknowledged.length, buffered: 0 },
    failedWrites: inDoubt.length,
    inDoubt,
    timeline: [],
    unacknowledged,
    ackedWrites,
    loop: [],
    startedAt: 0,
    stoppedAt: 0,
  };
}

/** The sum of `values`. */
export const sumOf = (values: readonly number[]): number => values.reduce((a, b) => a + b, 0);

/** 1..sent without `missing`. */
export const except = (sent: number, ...missing: number[]): number[] =>
  Array.from({ length: sent }, (_, i) => i + 1).filter((seq) => !missing.includes(seq));
