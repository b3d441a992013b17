import { hash } from 'node:crypto';
import { messageContentKey } from '../../metrics/message-content-key.js';
import type { Metrics } from '../../metrics/metrics.js';

// Every resolution is a whole number of microseconds, and at most a day in nanoseconds
// is below 2^53: plain numbers hold them exactly.
const RESOLUTION_NS: Readonly<Record<string, number>> = {
  f: 1_000,
  S: 1_000_000_000,
  M: 60_000_000_000,
  H: 3_600_000_000_000,
};
const DAY_NS = 86_400_000_000_000;

/**
 * The finest unit a timestamp format keeps, in nanoseconds: 1000 (µs) with `%f`, a
 * second with `%S`, a minute with `%M`, an hour with `%H`, else a day. Timestamps that
 * crossed the wire are whole multiples of it, so the digits below it are free.
 */
export function timestampResolutionNs(format: string): number {
  let finest = DAY_NS;
  for (const match of format.matchAll(/%(.)/g)) {
    const resolution = RESOLUTION_NS[match[1] as string];
    if (resolution !== undefined && resolution < finest) finest = resolution;
  }
  // `%%f` is a literal "%f": matchAll pairs "%%" first, so only real directives count.
  return finest;
}

/**
 * Assigns nanosecond timestamps to the points of one message. Each metric's time is
 * kept to the resolution of the message's timestamp format (microseconds by default);
 * the digits below it are `(base + k) mod slots`, where `k` is the metric's place in
 * the message (timers first, then counters, then gauges) and `base` a SHA-256 of the message's
 * content key. So:
 * - a message republished gets exactly the same timestamps (same content, same base);
 * - two metrics of one message never share one (distinct `k`, below `slots` metrics);
 * - messages with different content share one only when both land on the same
 *   microsecond and the same base: 1 in 1000 of such coincidences;
 * - identical messages (a re-send, a republish) share all of them: stored once.
 */
export class PointTimestamps {
  private readonly resolutionNs: number;
  private readonly base: number;

  constructor(metrics: Metrics, contentKey: string = messageContentKey(metrics)) {
    this.resolutionNs = timestampResolution(metrics.timestampFormat);
    // 48 bits keep the modulo bias negligible even for day-wide slots.
    this.base = leading48Bits(hash('sha256', contentKey, 'binary')) % this.resolutionNs;
  }

  /**
   * Nanoseconds since the epoch of the metric at `place` whose timestamp is `micros`, as
   * decimal text (the form line protocol takes).
   */
  text(micros: bigint, place: number): string {
    const below = (this.base + place) % this.resolutionNs;
    // A microsecond format after the epoch (nearly every message): the microseconds
    // followed by three digits, without arithmetic on the timestamp.
    if (this.resolutionNs === 1000 && micros > 0n) {
      return String(micros) + (below < 10 ? '00' : below < 100 ? '0' : '') + String(below);
    }
    // Otherwise the time floored to the resolution (also before the epoch), plus the digits.
    const slot = BigInt(this.resolutionNs / 1000);
    const slots = micros / slot - (micros % slot < 0n ? 1n : 0n);
    return String(slots * slot * 1000n + BigInt(below));
  }
}

/**
 * The first six bytes of a digest as one big-endian number: `digest` is the digest as
 * latin1 text (`'binary'`), one character per byte (a string costs the agent less than a Buffer:
 * this runs for every message).
 */
export function leading48Bits(digest: string): number {
  let value = 0;
  for (let i = 0; i < 6; i += 1) value = value * 256 + digest.charCodeAt(i);
  return value;
}

const resolutions = new Map<string, number>();

/** `timestampResolutionNs`, remembered per format (messages of one fleet share one or two). */
function timestampResolution(format: string): number {
  let resolution = resolutions.get(format);
  if (resolution === undefined) {
    resolution = timestampResolutionNs(format);
    if (resolutions.size >= 1000) resolutions.clear();
    resolutions.set(format, resolution);
  }
  return resolution;
}
