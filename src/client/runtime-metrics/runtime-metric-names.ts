/**
 * The metrics `collectRuntimeMetrics` sends, one collector per interval: their names,
 * kinds and meaning. Gauges are levels read at
 * the end of the interval (or a statistic over it); counters are what the interval
 * added, so their sum over time is the process's total (a Prometheus publisher folds them
 * into `_total` series).
 */

/** The kinds of garbage collection Node reports (`PerformanceEntry.detail.kind`), by the names used in metric names. */
export const GC_KINDS = ['minor', 'major', 'incremental', 'weakcb'] as const;

/** A garbage collection kind, as in {@link GC_KINDS}. */
export type GcKind = (typeof GC_KINDS)[number];

/** One runtime metric: its name, kind and what it means (the table in docs/instrumentation.md). */
export interface RuntimeMetricSpec {
  readonly name: string;
  readonly kind: 'gauge' | 'counter';
  readonly description: string;
}

/** Every runtime metric: gauges, then counters. */
export const RUNTIME_METRICS: readonly RuntimeMetricSpec[] = Object.freeze([
  { name: 'nodejs_eventloop_delay_p50_seconds', kind: 'gauge', description: 'median event-loop delay over the interval: how late a timer due every 100 ms fired (`monitorEventLoopDelay`); absent when the interval held no sample' },
  { name: 'nodejs_eventloop_delay_p99_seconds', kind: 'gauge', description: '99th percentile of the event-loop delay over the interval' },
  { name: 'nodejs_eventloop_delay_max_seconds', kind: 'gauge', description: 'longest event-loop delay over the interval' },
  { name: 'nodejs_eventloop_utilization', kind: 'gauge', description: 'share of the interval the event loop was busy, 0 to 1 (`performance.eventLoopUtilization`)' },
  { name: 'nodejs_heap_used_bytes', kind: 'gauge', description: 'V8 heap in use (`process.memoryUsage().heapUsed`)' },
  { name: 'nodejs_heap_total_bytes', kind: 'gauge', description: 'V8 heap reserved (`heapTotal`)' },
  { name: 'nodejs_external_memory_bytes', kind: 'gauge', description: 'memory of C++ objects bound to JavaScript objects, array buffers included (`external`)' },
  { name: 'nodejs_array_buffers_bytes', kind: 'gauge', description: 'memory of `ArrayBuffer`s and `SharedArrayBuffer`s, Buffers included (`arrayBuffers`)' },
  { name: 'process_resident_memory_bytes', kind: 'gauge', description: 'resident set size of the process (`rss`)' },
  { name: 'nodejs_active_resources', kind: 'gauge', description: 'active handles and requests keeping the event loop alive (sockets, timers, servers, file requests: `process.getActiveResourcesInfo().length`)' },
  { name: 'process_cpu_user_seconds', kind: 'counter', description: 'CPU time spent in user mode during the interval (`process.cpuUsage`)' },
  { name: 'process_cpu_system_seconds', kind: 'counter', description: 'CPU time spent in the kernel during the interval' },
  ...GC_KINDS.flatMap((kind): RuntimeMetricSpec[] => [
    { name: `nodejs_gc_${kind}_pauses`, kind: 'counter', description: `${kind} garbage collections during the interval (\`PerformanceObserver\` 'gc')` },
    { name: `nodejs_gc_${kind}_pause_seconds`, kind: 'counter', description: `time spent in ${kind} garbage collections during the interval` },
  ]),
]);
