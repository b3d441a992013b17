/** Delivery counts of a `Kadabra` client since it was created. */
export interface SendStats {
  /** Messages Redis (the channel) has acknowledged. */
  readonly delivered: number;
  /** Messages dropped because the buffer was full (oldest first). */
  readonly dropped: number;
  /** Messages waiting in memory, including any being written now. */
  readonly buffered: number;
  /** The last channel error, while delivery is failing; undefined once it succeeds again. */
  readonly lastError?: string;
}
