/**
 * How messages are written for a channel (`encodeMetrics`, `Metrics.serialize`), decided by who may read it:
 *
 * - `'python'`: every message passes Python Kadabra 0.5.0's re-encoding
 *   (`json.dumps(Metrics.deserialize(json.loads(b)).serialize()) == b`), because a Python
 *   agent sharing the queue removes a finished message by re-encoding it. Gauges, which
 *   the original does not know, travel as counters marked with `GAUGE_MARKER` (after the
 *   message's counters): the original keeps them byte for byte and publishes them as
 *   counters carrying the marker; this agent reads them back as gauges. The Redis list
 *   channel's dialect, and the default of any channel that does not say.
 * - `'extended'`: gauges in their own `gauges` array after `timers`. For channels no
 *   Python agent reads (Redis Streams, SQLite). A message without gauges is the same
 *   bytes in both dialects.
 *
 * Every decoder reads both.
 */
export type WireDialect = 'python' | 'extended';

/** The dialect of a channel that does not declare one: the one the original can read. */
export const DEFAULT_WIRE_DIALECT: WireDialect = 'python';
