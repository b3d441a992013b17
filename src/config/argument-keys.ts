import { CHANNEL_TYPES } from '../channels/channel-types.js';
import type { RedisChannelArgs } from '../channels/redis/redis-channel-args.js';
import type { RedisStreamsChannelArgs } from '../channels/redis-streams/redis-streams-channel-args.js';
import type { SqliteChannelArgs } from '../channels/sqlite/sqlite-channel-args.js';
import { PUBLISHER_TYPES, type PublisherArgsByType } from '../publishers/publisher-types.js';
import type { ConfigKeyName } from './config-keys.js';
import type { ArgumentsSpec } from './parse-arguments.js';

export type { PublisherArgsByType };

/**
 * Resolved arguments of each channel type, by type name. Mirrors `CHANNEL_TYPES`
 * (a unit test keeps the two in step) so resolved configurations can be narrowed by type.
 */
export interface ChannelArgsByType {
  redis: RedisChannelArgs;
  'redis-streams': RedisStreamsChannelArgs;
  sqlite: SqliteChannelArgs;
}

/** A `*_TYPE` key and the `*_ARGS` key holding overrides of that type's default arguments. */
export interface ArgumentKeyPair {
  readonly typeKey: ConfigKeyName;
  readonly argsKey: ConfigKeyName;
  /** What the type names: shown in messages and docs. */
  readonly kind: 'channel' | 'publisher';
  readonly registry: Readonly<Record<string, ArgumentsSpec>>;
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
