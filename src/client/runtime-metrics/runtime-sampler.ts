import { constants, monitorEventLoopDelay, performance, PerformanceObserver, type EventLoopUtilization, type IntervalHistogram } from 'node:perf_hooks';
import type { MetricsCollector } from '../metrics-collector.js';
import { GC_KINDS, type GcKind } from './runtime-metric-names.js';

/**
 * Resolution of the event-loop delay histogram, in ms: its native timer wakes the process
 * this often. Node's default (10 ms, prom-client's too) wakes it 100 times a second, which
 * alone cost 0.7 % of a core on the 2-core development machine, seven times the budget
 * of the whole collection (0.1 %); at 100 ms it is 10 wake-ups a second. A stall of 100
 * ms or more always shows in `max`; a shorter one of d ms delays a wake-up (and shows)
 * with probability d / 100, so the percentiles are a sample of the stalls.
 */
export const DELAY_RESOLUTION_MS = 100;
const DELAY_RESOLUTION_NS = DELAY_RESOLUTION_MS * 1e6;

/**
 * How late the histogram's timer fired, in seconds: Node records the time between two of
 * its wake-ups, which is the resolution when the loop is idle.
 */
function lateness(recordedNs: number): number {
  return Math.max(0, recordedNs - DELAY_RESOLUTION_NS) / 1e9;
}

const GC_KIND_OF_FLAG: ReadonlyMap<number, GcKind> = new Map([
  [constants.NODE_PERFORMANCE_GC_MINOR, 'minor'],
  [constants.NODE_PERFORMANCE_GC_MAJOR, 'major'],
  [constants.NODE_PERFORMANCE_GC_INCREMENTAL, 'incremental'],
  [constants.NODE_PERFORMANCE_GC_WEAKCB, 'weakcb'],
]);

/** Pauses of one kind of garbage collection since the last sample. */
interface GcTally {
  count: number;
  ms: number;
}

/**
 * Reads the process's health for `collectRuntimeMetrics`: from `start()` it watches the
 * event-loop delay (`monitorEventLoopDelay`, a native timer that keeps nothing alive) and
 * garbage collections (`PerformanceObserver` 'gc'); each `record()` writes what the
 * interval since the previous one saw into a collector (names in `RUNTIME_METRICS`) and
 * starts the next interval. `stop()` releases both watchers.
 */
export class RuntimeSampler {
  private readonly delay: IntervalHistogram = monitorEventLoopDelay({ resolution: DELAY_RESOLUTION_MS });
  private readonly gc = new Map<GcKind, GcTally>(GC_KINDS.map((kind) => [kind, { count: 0, ms: 0 }]));
  private readonly observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      const flag = (entry as { readonly detail?: { readonly kind?: number } | null }).detail?.kind;
      const tally = flag === undefined ? undefined : this.gc.get(GC_KIND_OF_FLAG.get(flag) as GcKind);
      if (tally === undefined) continue;
      tally.count += 1;
      tally.ms += entry.duration;
    }
  });
  private utilization: EventLoopUtilization = performance.eventLoopUtilization();
  private cpu: NodeJS.CpuUsage = process.cpuUsage();
  private running = false;

  /** Starts watching; the first interval begins now. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.delay.enable();
    this.observer.observe({ entryTypes: ['gc'] });
    this.utilization = performance.eventLoopUtilization();
    this.cpu = process.cpuUsage();
  }

  /** Records the interval that ends now into `collector`, and starts the next one. */
  record(collector: MetricsCollector): void {
    const delay = this.delay;
    if (delay.count > 0) {
      collector.setGauge('nodejs_eventloop_delay_p50_seconds', lateness(delay.percentile(50)));
      collector.setGauge('nodejs_eventloop_delay_p99_seconds', lateness(delay.percentile(99)));
      collector.setGauge('nodejs_eventloop_delay_max_seconds', lateness(delay.max));
    }
    delay.reset();
    const utilization = performance.eventLoopUtilization();
    collector.setGauge('nodejs_eventloop_utilization', performance.eventLoopUtilization(utilization, this.utilization).utilization);
    this.utilization = utilization;
    const memory = process.memoryUsage();
    collector.setGauge('nodejs_heap_used_bytes', memory.heapUsed);
    collector.setGauge('nodejs_heap_total_bytes', memory.heapTotal);
    collector.setGauge('nodejs_external_memory_bytes', memory.external);
    collector.setGauge('nodejs_array_buffers_bytes', memory.arrayBuffers);
    collector.setGauge('process_resident_memory_bytes', memory.rss);
    collector.setGauge('nodejs_active_resources', process.getActiveResourcesInfo().length);
    const cpu = process.cpuUsage();
    collector.addCount('process_cpu_user_seconds', (cpu.user - this.cpu.user) / 1e6);
    collector.addCount('process_cpu_system_seconds', (cpu.system - this.cpu.system) / 1e6);
    this.cpu = cpu;
    for (const [kind, tally] of this.gc) {
      collector.addCount(`nodejs_gc_${kind}_pauses`, tally.count);
      collector.addCount(`nodejs_gc_${kind}_pause_seconds`, tally.ms / 1000);
      tally.count = 0;
      tally.ms = 0;
    }
  }

  /** Stops watching; idempotent. */
  stop(): void {
    if (!this.running) return;
    this.running = false;
    this.delay.disable();
    this.observer.disconnect();
  }
}
