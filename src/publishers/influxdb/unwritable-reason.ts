import type { Metrics } from '../../metrics/metrics.js';

/**
 * Why InfluxDB can never store `metrics`, or undefined when it can: a NaN or infinite
 * value has no line-protocol form (only a foreign producer or a hand-built `Metrics`
 * can hold one; the wire codec refuses them).
 */
export function unwritableReason(metrics: Metrics): string | undefined {
  for (const timer of metrics.timers) if (!Number.isFinite(timer.value)) return reason('timer', timer);
  for (const counter of metrics.counters) if (!Number.isFinite(counter.value)) return reason('counter', counter);
  for (const gauge of metrics.gauges) if (!Number.isFinite(gauge.value)) return reason('gauge', gauge);
  return undefined;
}

function reason(kind: string, metric: { readonly name: string; readonly value: number }): string {
  return `${kind} ${JSON.stringify(metric.name)} has the value ${String(metric.value)}, which InfluxDB cannot store`;
}
