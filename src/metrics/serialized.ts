/*
 * The plain dictionaries the Python original's `serialize()` methods return, with the
 * wire's snake_case keys, in the wire's key order.
 */

/** A serialized `Dimension`. */
export interface SerializedDimension {
  name: string;
  value: string;
}

/** A serialized `Unit`. */
export interface SerializedUnit {
  name: string;
  seconds_offset: number;
}

/** A serialized `Counter`; `timestamp` is formatted with the message's format. */
export interface SerializedCounter {
  name: string;
  metadata: Record<string, string>;
  timestamp: string;
  value: number;
}

/** A serialized `Timer`; `value` is the duration in `unit`. */
export interface SerializedTimer {
  name: string;
  unit: SerializedUnit;
  metadata: Record<string, string>;
  timestamp: string;
  value: number;
}

/** A serialized `Gauge`, as in a message's `gauges` array: the same dictionary as a counter's. */
export type SerializedGauge = SerializedCounter;

/**
 * A serialized `Metrics`: one message on the channel. `gauges` is present only when the
 * message has gauges, on channels no Python agent reads (the original knows no such key).
 */
export interface SerializedMetrics {
  dimensions: SerializedDimension[];
  counters: SerializedCounter[];
  timers: SerializedTimer[];
  gauges?: SerializedGauge[];
  timestamp_format: string;
  serialized_at: string;
}
