import { readValueMetric, ValueMetric } from './value-metric.js';

/** A counter metric: a name and a floating-point value (summed in a collector), with a timestamp and metadata. */
export class Counter extends ValueMetric {
  /**
   * Deserializes a wire dictionary into a counter. Missing or null `metadata` means `{}`;
   * number and boolean metadata values are converted with `JSON.stringify`.
   *
   * @param value - The decoded dictionary.
   * @param timestampFormat - strftime format the `timestamp` is written in.
   * @param path - Where `value` sits in the message, for error messages.
   * @returns The counter.
   * @throws WireFormatError naming the path of a missing or mistyped key or an
   *   unparseable timestamp.
   */
  static deserialize(value: unknown, timestampFormat: string, path = 'counter'): Counter {
    const fields = readValueMetric(value, timestampFormat, path);
    return new Counter(fields.name, fields.timestamp, fields.metadata, fields.value);
  }
}
