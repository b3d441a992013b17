import type { Channel, ReceivedMessage } from '../../src/channels/channel.js';

/** Options of one channel opened on a store. */
export interface OpenOptions {
  /** The channel's dead-letter alarm threshold (`dead_max_length`). */
  readonly deadMaxLength?: number;
}

/** One empty queue (a key set, a file) that several channel instances can share. */
export interface ConformanceStore {
  /** A new channel instance on this store, as another process would open it. */
  open(options?: OpenOptions): Channel;
  /** Enqueues bytes behind the channels' backs (a foreign or broken producer), first received first. */
  pushRaw(raws: readonly Buffer[]): Promise<void>;
}

/** What the suite runs against: a source of fresh stores. */
export interface ConformanceTarget {
  /**
   * The channel spreads batches over shards read in no set order between them (Redis
   * Streams with `shards` > 1): order is kept within a batch, not between batches.
   */
  readonly sharded?: boolean;
  /** A fresh, empty store. */
  newStore(): Promise<ConformanceStore>;
  /** Releases servers and files (the suite closes the channels it opened first). */
  dispose(): Promise<void>;
}

/** A fresh store whose channels the suite closes after each test. */
export type StoreForTest = () => Promise<ConformanceStore>;

/** A valid message, in the Python client's encoding, with one counter named `name`. */
export function wireMessage(name: string, value = 1): string {
  return (
    `{"dimensions": [{"name": "suite", "value": "conformance"}], "counters": [{"name": ${JSON.stringify(name)}, ` +
    `"metadata": {}, "timestamp": "2024-01-02T03:04:05.000001Z", "value": ${value}.0}], "timers": [], ` +
    '"timestamp_format": "%Y-%m-%dT%H:%M:%S.%fZ", "serialized_at": "2024-01-02T03:04:05.000002Z"}'
  );
}

/** The counter name of a received message. */
export function nameOf(message: Pick<ReceivedMessage, 'metrics'> | null | undefined): string | undefined {
  return message?.metrics.counters[0]?.name;
}

/** The receipts of received messages, for `complete`. */
export function receiptsOf(messages: readonly ReceivedMessage[]): ReceivedMessage['receipt'][] {
  return messages.map((message) => message.receipt);
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
