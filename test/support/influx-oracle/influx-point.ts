/** A field value: a float (`value`) or a string (`unit`, metadata). */
export type InfluxFieldValue = number | string;

/**
 * One InfluxDB point, with every string already in its stored form
 * (see `encodeStoredText`), ready to be written as a line of line protocol.
 */
export interface InfluxPoint {
  readonly measurement: string;
  /** Tag keys and values, sorted by key. */
  readonly tags: readonly (readonly [key: string, value: string])[];
  /** Field keys and values, sorted by key. */
  readonly fields: readonly (readonly [key: string, value: InfluxFieldValue])[];
  /** Nanoseconds since the epoch. */
  readonly timestampNs: bigint;
}
