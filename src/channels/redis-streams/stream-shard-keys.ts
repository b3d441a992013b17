/** The Redis keys of one shard of a Redis Streams channel; each starts with the shard's stream key, so they share its hash tag (one Redis Cluster slot). */
export interface StreamKeys {
  /** The STREAM of messages. */
  readonly stream: string;
  /** LIST of dead-letter records: `<stream>:dead`. */
  readonly dead: string;
  /** Prefix of the HASH of each publisher's state: `<stream>:state:<namespace>`. */
  readonly statePrefix: string;
  /** Prefix of each producer's last appended batch number: `<stream>:sent:<producer>` (see stream-append-2.lua). */
  readonly sentPrefix: string;
}

/** The keys of the stream `stream`. */
export function streamKeys(stream: string): StreamKeys {
  return Object.freeze({ stream, dead: `${stream}:dead`, statePrefix: `${stream}:state:`, sentPrefix: `${stream}:sent:` });
}

/**
 * The stream key of each of `shards` shards, by one rule: with one shard, `stream_key`
 * itself (what the channel always used); with N > 1, shard i (0 to N-1) is `stream_key`
 * with `:i` added inside its hash tag, so each shard has a slot of its own:
 * `{kadabra}:stream` gives `{kadabra:0}:stream`, `{kadabra:1}:stream`, ...
 * @param streamKey a key with a hash tag (`{...}`), as the arguments' schema requires.
 */
export function streamShardKeys(streamKey: string, shards: number): string[] {
  if (shards === 1) return [streamKey];
  const close = streamKey.indexOf('}', streamKey.indexOf('{'));
  return Array.from({ length: shards }, (_, i) => `${streamKey.slice(0, close)}:${i}${streamKey.slice(close)}`);
}

/**
 * Where the shard count is recorded (a STRING holding N): `<stream_key>:shards`, in the
 * hash tag of `stream_key` itself, the slot of the stream a channel with one shard uses.
 */
export function shardCountKey(streamKey: string): string {
  return `${streamKey}:shards`;
}
