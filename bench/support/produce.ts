import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setImmediate as nextTurn, setTimeout as sleep } from 'node:timers/promises';

/** How an application produces messages for one run. */
export interface ProduceOptions {
  /** Messages to produce. */
  readonly total: number;
  /** Messages produced per event-loop turn (an application's burst). */
  readonly chunk: number;
  /** Records, closes and sends message number `i`. */
  readonly send: (i: number) => void;
  /** Messages produced but not yet acknowledged by the sink. */
  readonly backlog: () => number;
  /** Above this backlog the producer yields 1 ms per turn instead of one turn (backpressure). */
  readonly highWater: number;
  /** Resolves once everything produced is acknowledged. */
  readonly finish: () => Promise<void>;
  /** Produce at this steady rate instead of as fast as the sink keeps up. */
  readonly ratePerSecond?: number;
}

/** What one run cost the producing process. */
export interface ProduceResult {
  readonly messages: number;
  readonly elapsedMs: number;
  readonly messagesPerSecond: number;
  /** User + system CPU of this process, µs per message. */
  readonly cpuMicrosPerMessage: number;
  /** CPU seconds per wall second (1 = one core busy). */
  readonly cores: number;
  readonly loopDelayP99Ms: number;
  readonly loopDelayMaxMs: number;
  /** First and last µs of the run on the monotonic clock of `node --cpu-prof` timestamps. */
  readonly windowMicros: readonly [number, number];
}

function monotonicMicros(): number {
  return Number(process.hrtime.bigint() / 1000n);
}

/**
 * Produces `total` messages in bursts of `chunk` per event-loop turn, as fast as the
 * sink keeps up (or on the schedule of `ratePerSecond`, sleeping 1 ms when ahead of it),
 * and measures wall time until all are acknowledged, this process's CPU time and the
 * event loop's delay meanwhile.
 */
export async function produce(options: ProduceOptions): Promise<ProduceResult> {
  const histogram = monitorEventLoopDelay({ resolution: 1 });
  histogram.enable();
  const cpuBefore = process.cpuUsage();
  const windowStart = monotonicMicros();
  const start = performance.now();
  let i = 0;
  const { ratePerSecond } = options;
  while (i < options.total) {
    const due =
      ratePerSecond === undefined
        ? options.total
        : Math.min(options.total, Math.floor(((performance.now() - start) * ratePerSecond) / 1000));
    const end = Math.min(due, i + options.chunk);
    for (; i < end; i += 1) options.send(i);
    if (options.backlog() > options.highWater || i >= due) await sleep(1);
    else await nextTurn();
  }
  await options.finish();
  const elapsedMs = performance.now() - start;
  const cpu = process.cpuUsage(cpuBefore);
  histogram.disable();
  const cpuMicros = cpu.user + cpu.system;
  return {
    messages: options.total,
    elapsedMs,
    messagesPerSecond: options.total / (elapsedMs / 1000),
    cpuMicrosPerMessage: cpuMicros / options.total,
    cores: cpuMicros / 1000 / elapsedMs,
    loopDelayP99Ms: histogram.percentile(99) / 1e6,
    loopDelayMaxMs: histogram.max / 1e6,
    windowMicros: [windowStart, monotonicMicros()],
  };
}
