/** String-to-string metadata of one counter or timer (stored as unindexed fields). */
export type Metadata = Readonly<Record<string, string>>;

/** A counter metric: a name and a floating-point value, with a timestamp and metadata. */
export class Counter {
  /** The counter's name. */
  readonly name: string;
  /** Microseconds since the Unix epoch, UTC. */
  readonly timestamp: bigint;
  /** Metadata for this counter. */
  readonly metadata: Metadata;
  /** The counter's (aggregated) value. */
  readonly value: number;

  constructor(name: string, timestamp: bigint, metadata: Metadata, value: number) {
    this.name = name;
    this.timestamp = timestamp;
    this.metadata = Object.freeze({ ...metadata });
    this.value = value;
    Object.freeze(this);
  }
}
