/** Messages the client dropped, by why. */
export interface DroppedCounts {
  /** The buffer was full (by count or by bytes): the oldest were dropped. */
  readonly bufferFull: number;
  /** Larger than `CLIENT_MESSAGE_MAX_BYTES` when sent: never buffered. */
  readonly tooLarge: number;
  /** Sent after `close()` had given up delivering (its flush timeout passed) or had finished. */
  readonly afterClose: number;
}

/** Delivery counts of a `Kadabra` client since it was created. */
export interface SendStats {
  /** Messages Redis (the channel) has acknowledged. */
  readonly delivered: number;
  /** Messages dropped, for any reason: the sum of `droppedBy`. */
  readonly dropped: number;
  /** Messages dropped, by reason. */
  readonly droppedBy: DroppedCounts;
  /** Messages waiting in memory, including any being written now; after `close()`, those it could not deliver. */
  readonly buffered: number;
  /** Bytes of the messages counted in `buffered`. */
  readonly bufferedBytes: number;
  /**
   * Metrics given a `Date` timestamp that had to share a stored microsecond with another of
   * the same series (more than 1,000 of one series in one millisecond); InfluxDB may keep
   * only one of two such points (1 chance in 1,000 for each pair).
   */
  readonly timestampsShared: number;
  /** The last channel error, while delivery is failing; undefined once it succeeds again. */
  readonly lastError?: string;
}
