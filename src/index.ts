/**
 * Kadabra for Node.js: record counters and timers cheaply, queue them durably in Redis,
 * publish them with an agent. Wire-compatible with Python Kadabra 0.5.0.
 * @packageDocumentation
 */
export { Kadabra, type KadabraOptions } from './client/kadabra.js';
export { MetricsCollector, type MetricsCollectorOptions, type SetGaugeOptions } from './client/metrics-collector.js';
export type { DroppedCounts, SendStats } from './client/send-stats.js';

export { Metrics, DEFAULT_TIMESTAMP_FORMAT } from './metrics/metrics.js';
export { Dimension } from './metrics/dimension.js';
export { Counter } from './metrics/counter.js';
export { Gauge, GAUGE_MARKER } from './metrics/gauge.js';
export type { Metadata } from './metrics/metadata.js';
export { Timer } from './metrics/timer.js';
export { Unit, Units } from './metrics/unit.js';
export { encodeMetrics, decodeMetrics } from './wire/codec.js';
export type { WireDialect } from './metrics/wire-dialect.js';
export type { RuntimeMetricsOptions, StopRuntimeMetrics } from './client/runtime-metrics/runtime-metrics-loop.js';
export { RUNTIME_METRICS, type RuntimeMetricSpec } from './client/runtime-metrics/runtime-metric-names.js';

export type {
  Channel,
  ChannelDescription,
  ChannelStatus,
  CompleteOptions,
  DeadLetter,
  EncodedMessage,
  InProgressMessage,
  Receipt,
  ReceivedMessage,
  ReceiveOptions,
  StateChange,
  StateChanges,
  LatestValue,
  ClaimOptions,
  ConsumerStatus,
} from './channels/channel.js';
export { RedisChannel } from './channels/redis/redis-channel.js';
export type { RedisChannelArgs } from './channels/redis/redis-channel-args.js';
export { RedisStreamsChannel } from './channels/redis-streams/redis-streams-channel.js';
export type { RedisStreamsChannelArgs } from './channels/redis-streams/redis-streams-channel-args.js';
export { SqliteChannel } from './channels/sqlite/sqlite-channel.js';
export type { SqliteChannelArgs } from './channels/sqlite/sqlite-channel-args.js';
export { createChannel } from './channels/create-channel.js';

export type { MessageIdentity, ProbeResult, Publisher, PublisherOptions, PublishOutcome, RejectedMessage } from './publishers/publisher.js';
export { DebugPublisher } from './publishers/debug/debug-publisher.js';
export { PostgresPublisher } from './publishers/postgres/postgres-publisher.js';
export type { PostgresPublisherArgs } from './publishers/postgres/postgres-publisher-args.js';
export { SchemaVersionError } from './publishers/postgres/postgres-schema.js';
export { decodePostgresText } from './publishers/postgres/postgres-text.js';
export { createPublisher } from './publishers/create-publisher.js';

export * from './agent/index.js';

export {
  resolveClientConfiguration,
  resolveAgentConfiguration,
  loadConfigurationFile,
  type ClientConfiguration,
  type AgentConfiguration,
} from './config/index.js';

export {
  KadabraError,
  CollectorClosedError,
  ClientClosedError,
  InvalidArgumentError,
  ConfigurationError,
  WireFormatError,
  TransientPublishError,
} from './errors/index.js';

export { createLogger, type KadabraLogger } from './logging/logger.js';
export { LOG_FORMATS, type LogFormat } from './logging/log-format.js';
