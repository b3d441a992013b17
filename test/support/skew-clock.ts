/**
 * Preloaded with `node --import <this file>` to run a process whose clock is wrong:
 * `Date.now()` and `new Date()` run `KADABRA_TEST_CLOCK_SKEW_MS` ahead (default one hour).
 * Timers and `performance.now()` are untouched, as on a host whose wall clock is off.
 */
const skewMs = Number(process.env['KADABRA_TEST_CLOCK_SKEW_MS'] ?? 3_600_000);
const RealDate = Date;
const realNow = RealDate.now.bind(RealDate);
const skewedNow = (): number => realNow() + skewMs;

class SkewedDate extends RealDate {
  constructor(...args: unknown[]) {
    if (args.length === 0) super(skewedNow());
    else super(...(args as [number, number]));
  }

  static override now(): number {
    return skewedNow();
  }
}

globalThis.Date = SkewedDate as DateConstructor;
