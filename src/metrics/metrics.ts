import type { Counter } from './counter.js';
import type { Dimension } from './dimension.js';
import type { Timer } from './timer.js';

/** The seed's default strftime format for timestamps on the wire. */
export const DEFAULT_TIMESTAMP_FORMAT = '%Y-%m-%dT%H:%M:%S.%fZ';

/**
 * An immutable set of metrics, as transported over a channel and published by the agent.
 * Built by `MetricsCollector.close()` or decoded from the wire.
 */
export class Metrics {
  /** Dimensions shared by every counter and timer, in first-insertion order. */
  readonly dimensions: readonly Dimension[];
  /** Counters, in first-insertion order. */
  readonly counters: readonly Counter[];
  /** Timers, in first-insertion order. */
  readonly timers: readonly Timer[];
  /** strftime-style format of the timestamps on the wire. */
  readonly timestampFormat: string;
  /** When the message was serialized (as formatted on the wire), if it was. */
  readonly serializedAt: string | undefined;

  constructor(
    dimensions: readonly Dimension[],
    counters: readonly Counter[],
    timers: readonly Timer[],
    timestampFormat: string = DEFAULT_TIMESTAMP_FORMAT,
    serializedAt?: string,
  ) {
    this.dimensions = Object.freeze([...dimensions]);
    this.counters = Object.freeze([...counters]);
    this.timers = Object.freeze([...timers]);
    this.timestampFormat = timestampFormat;
    this.serializedAt = serializedAt;
    Object.freeze(this);
  }
}
