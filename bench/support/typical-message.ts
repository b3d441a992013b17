import type { MetricsCollector } from '../../src/client/metrics-collector.js';
import { Units } from '../../src/metrics/unit.js';

/** Names of the typical message's metrics: its InfluxDB measurements. */
export const TYPICAL_MEASUREMENTS = ['latency', 'requests', 'errors', 'bytes'] as const;

/** InfluxDB points per typical message: one per counter and timer. */
export const POINTS_PER_MESSAGE = TYPICAL_MEASUREMENTS.length;

/**
 * Records the typical message of the issue into `collector`: 2 dimensions, 3 counters,
 * 1 timer, 1 metadata key. `tag` becomes the metadata value (the latency benchmark puts
 * a sequence number there).
 */
export function recordTypical(collector: MetricsCollector, i: number, tag = 'GET /orders'): void {
  collector.setDimension('service', 'checkout');
  collector.setDimension('region', 'eu-west-1');
  collector.addCount('requests', 1, { metadata: { route: tag } });
  collector.addCount('errors', i % 50 === 0 ? 1 : 0);
  collector.addCount('bytes', 512 + (i % 1024));
  collector.setTimer('latency', 12.5 + (i % 100) / 8, Units.MILLISECONDS);
}
