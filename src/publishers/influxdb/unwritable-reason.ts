import type { Metrics } from '../../metrics/metrics.js';

/**
 * Why InfluxDB can never store `metrics`, or undefined when it can: a NaN or infinite
 * value has no line-protocol form (only a foreign producer or a hand-built `Metrics`
 * can hold one; the wire codec refuses them).
 */
export function unwritableReason(metrics: Metrics): string | undefined {
  for (const [kind, list] of [['timer', metrics.timers], ['counter', metrics.counters]] as const) {
    for (const metric of list) {
      if (!Number.isFinite(metric.value)) {
        return `${kind} ${JSON.stringify(metric.name)} has the value ${String(metric.value)}, which InfluxDB cannot store`;
      }
    }
  }
  return undefined;
}
