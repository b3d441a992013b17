import { PerformanceObserver, performance } from 'node:perf_hooks';
import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { summarize, type Summary } from './stats.js';

/**
 * A measured loop: runs the operation `calls` times. Each case writes its own loop so
 * the call inside stays monomorphic; the harness calls it once per sample, so its own
 * call costs nothing per operation.
 */
export type Loop = (calls: number) => void;

/** How long and how often to sample. */
export interface MicroOptions {
  /** Samples whose median is reported. */
  readonly samples: number;
  /** Target duration of one sample. */
  readonly sampleMs: number;
}

/** Nanoseconds per call: the summary of `options.samples` samples after calibration and warm-up. */
export function nsPerCall(loop: Loop, options: MicroOptions): Summary {
  let calls = 256;
  // Calibrate (this also warms the loop up until it is optimised).
  for (;;) {
    const elapsed = time(loop, calls);
    if (elapsed >= options.sampleMs * 1e6 / 2 || calls >= 2 ** 30) break;
    calls *= 2;
  }
  time(loop, calls);
  const samples: number[] = [];
  for (let i = 0; i < options.samples; i += 1) samples.push(time(loop, calls) / calls);
  return summarize(samples);
}

function time(loop: Loop, calls: number): number {
  const start = process.hrtime.bigint();
  loop(calls);
  return Number(process.hrtime.bigint() - start);
}

/** Heap growth of `calls` calls of a loop, and whether a collection ran meanwhile. */
export interface Allocation {
  readonly bytesPerCall: number;
  /** A collection during the run hides allocation: then `bytesPerCall` is a lower bound. */
  readonly collected: boolean;
}

let gcFunction: (() => void) | undefined;

/** A full garbage collection (exposes `gc` on first use). */
export function collectGarbage(): void {
  if (gcFunction === undefined) {
    setFlagsFromString('--expose-gc');
    gcFunction = runInNewContext('gc') as () => void;
  }
  gcFunction();
}

/**
 * Bytes of heap the loop's calls leave allocated, measured after a full collection and
 * warm-up. Pick `calls` small enough that a young-generation collection is unlikely
 * for a small allocation per call; if one runs anyway, `collected` says so.
 */
export async function bytesPerCall(loop: Loop, calls: number): Promise<Allocation> {
  loop(calls);
  const collections: number[] = [];
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) collections.push(entry.startTime);
  });
  observer.observe({ entryTypes: ['gc'] });
  collectGarbage();
  await new Promise((resolve) => setImmediate(resolve));
  const before = getHeapStatistics().used_heap_size;
  const start = performance.now();
  loop(calls);
  const end = performance.now();
  const after = getHeapStatistics().used_heap_size;
  await new Promise((resolve) => setImmediate(resolve));
  observer.disconnect();
  const collected = collections.some((at) => at >= start && at <= end);
  return { bytesPerCall: Math.max(0, after - before) / calls, collected };
}
