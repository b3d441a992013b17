import { createHash } from 'node:crypto';
import type { Metrics } from '../../metrics/metrics.js';

const RESOLUTION_NS: Readonly<Record<string, bigint>> = {
  f: 1_000n,
  S: 1_000_000_000n,
  M: 60_000_000_000n,
  H: 3_600_000_000_000n,
};
const DAY_NS = 86_400_000_000_000n;

/**
 * The finest unit a timestamp format keeps, in nanoseconds: 1000 (µs) with `%f`, a
 * second with `%S`, a minute with `%M`, an hour with `%H`, else a day. Timestamps that
 * crossed the wire are whole multiples of it, so the digits below it are free.
 */
export function timestampResolutionNs(format: string): bigint {
  let finest = DAY_NS;
  for (const match of format.matchAll(/%(.)/g)) {
    const resolution = RESOLUTION_NS[match[1] as string];
    if (resolution !== undefined && resolution < finest) finest = resolution;
  }
  // `%%f` is a literal "%f": matchAll pairs "%%" first, so only real directives count.
  return finest;
}

/**
 * A canonical text of everything in `metrics` (format, `serializedAt`, every name,
 * value, timestamp and metadata entry): equal for equal content, whatever wire bytes
 * carried it (key order, no `serialized_at` are both possible from other producers).
 */
export function messageContentKey(metrics: Metrics): string {
  return JSON.stringify([
    metrics.timestampFormat,
    metrics.serializedAt ?? null,
    metrics.dimensions.map((d) => [d.name, d.value]),
    metrics.timers.map((t) => [t.name, t.unit.name, t.unit.secondsOffset, String(t.timestamp), t.value, Object.entries(t.metadata)]),
    metrics.counters.map((c) => [c.name, String(c.timestamp), c.value, Object.entries(c.metadata)]),
  ]);
}

function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && a < 0n ? q - 1n : q;
}

/**
 * Assigns nanosecond timestamps to the points of one message. Each metric's time is
 * kept to the resolution of the message's timestamp format (microseconds by default);
 * the digits below it are `(base + k) mod slots`, where `k` is the metric's place in
 * the message (timers first, then counters) and `base` a SHA-256 of the message's
 * content key. So:
 * - a message republished gets exactly the same timestamps (same content, same base);
 * - two metrics of one message never share one (distinct `k`, below `slots` metrics);
 * - messages with different content share one only when both land on the same
 *   microsecond and the same base: 1 in 1000 of such coincidences;
 * - identical messages (a re-send, a republish) share all of them: stored once.
 */
export class PointTimestamps {
  private readonly resolution: bigint;
  private readonly base: bigint;

  constructor(metrics: Metrics, contentKey: string = messageContentKey(metrics)) {
    this.resolution = timestampResolutionNs(metrics.timestampFormat);
    const hash = createHash('sha256').update(contentKey);
    // 48 bits keep the modulo bias negligible even for day-wide slots.
    this.base = BigInt(hash.digest().readUIntBE(0, 6)) % this.resolution;
  }

  /** Nanoseconds since the epoch of the metric at `place` whose timestamp is `micros`. */
  at(micros: bigint, place: number): bigint {
    const truncated = floorDiv(micros * 1000n, this.resolution) * this.resolution;
    return truncated + ((this.base + BigInt(place)) % this.resolution);
  }
}
