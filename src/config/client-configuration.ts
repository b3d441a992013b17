import type { ChannelArgsByType } from './argument-keys.js';
import type { ConfigKeyOf, ConfigValue } from './config-keys.js';
import { resolveConfiguration } from './resolve-configuration.js';

/** The client's channel type and its complete arguments, narrowed by the type. */
export type ClientChannelSettings = {
  [T in keyof ChannelArgsByType]: {
    readonly CLIENT_CHANNEL_TYPE: T;
    readonly CLIENT_CHANNEL_ARGS: Readonly<ChannelArgsByType[T]>;
  };
}[keyof ChannelArgsByType];

type ClientScalarKey = Exclude<ConfigKeyOf<'client'>, keyof ClientChannelSettings>;

/** A resolved client configuration: every `CLIENT_*` key, validated and frozen. */
export type ClientConfiguration = {
  readonly [K in ClientScalarKey]: Readonly<ConfigValue<K>>;
} & ClientChannelSettings;

/**
 * Resolves the configuration of `Kadabra`: the defaults, overridden by `input` (the
 * original's dictionary of keys; `AGENT_*` and `BATCHED_AGENT_*` keys are ignored), overridden
 * by `KADABRA_CLIENT_*` variables of `env`. `CLIENT_CHANNEL_ARGS` comes back complete:
 * the channel type's defaults merged with the overrides.
 *
 * @throws ConfigurationError naming the key, the value received and what is accepted.
 */
export function resolveClientConfiguration(
  input?: unknown,
  env: NodeJS.ProcessEnv = process.env,
): ClientConfiguration {
  // Sound because every key was validated by its schema and the args by their type's.
  return resolveConfiguration('client', input, env) as ClientConfiguration;
}
