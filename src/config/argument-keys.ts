import { CHANNEL_TYPES, type ChannelTypeArgs } from '../channels/channel-types.js';
import type { RedisChannelArgs } from '../channels/redis/redis-channel-args.js';
import type { SqliteChannelArgs } from '../channels/sqlite/sqlite-channel-args.js';
import type { DebugPublisherArgs } from '../publishers/debug/debug-publisher-args.js';
import type { InfluxDBPublisherArgs } from '../publishers/influxdb/influxdb-publisher-args.js';
import { PUBLISHER_TYPES, type PublisherTypeArgs } from '../publishers/publisher-types.js';
import type { ConfigKeyName } from './config-keys.js';

/**
 * Resolved arguments of each channel type, by type name. Mirrors `CHANNEL_TYPES`
 * (a unit test keeps the two in step) so resolved configurations can be narrowed by type.
 */
export interface ChannelArgsByType {
  redis: RedisChannelArgs;
  sqlite: SqliteChannelArgs;
}

/** Resolved arguments of each publisher type, by type name. Mirrors `PUBLISHER_TYPES`. */
export interface PublisherArgsByType {
  debug: DebugPublisherArgs;
  influxdb: InfluxDBPublisherArgs;
}

/** A `*_TYPE` key and the `*_ARGS` key holding overrides of that type's default arguments. */
export interface ArgumentKeyPair {
  readonly typeKey: ConfigKeyName;
  readonly argsKey: ConfigKeyName;
  /** What the type names: shown in messages and docs. */
  readonly kind: 'channel' | 'publisher';
  readonly registry: Readonly<Record<string, ChannelTypeArgs | PublisherTypeArgs>>;
}

/** Every `*_ARGS` key with the `*_TYPE` key that picks its schema and defaults. */
export const ARGUMENT_KEYS: readonly ArgumentKeyPair[] = Object.freeze([
  { typeKey: 'CLIENT_CHANNEL_TYPE', argsKey: 'CLIENT_CHANNEL_ARGS', kind: 'channel', registry: CHANNEL_TYPES },
  { typeKey: 'AGENT_CHANNEL_TYPE', argsKey: 'AGENT_CHANNEL_ARGS', kind: 'channel', registry: CHANNEL_TYPES },
  { typeKey: 'AGENT_PUBLISHER_TYPE', argsKey: 'AGENT_PUBLISHER_ARGS', kind: 'publisher', registry: PUBLISHER_TYPES },
]);

/** Whether `name` is one of the `*_ARGS` keys. */
export function isArgumentKey(name: ConfigKeyName): boolean {
  return ARGUMENT_KEYS.some((pair) => pair.argsKey === name);
}
