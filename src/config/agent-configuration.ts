import type { ChannelArgsByType, PublisherArgsByType } from './argument-keys.js';
import type { ConfigKeyOf, ConfigValue } from './config-keys.js';
import { isResolvedConfiguration, resolveConfiguration } from './resolve-configuration.js';

/** The agent's channel type and its complete arguments, narrowed by the type. */
export type AgentChannelSettings = {
  [T in keyof ChannelArgsByType]: {
    readonly AGENT_CHANNEL_TYPE: T;
    readonly AGENT_CHANNEL_ARGS: Readonly<ChannelArgsByType[T]>;
  };
}[keyof ChannelArgsByType];

/** The agent's publisher type and its complete arguments, narrowed by the type. */
export type AgentPublisherSettings = {
  [T in keyof PublisherArgsByType]: {
    readonly AGENT_PUBLISHER_TYPE: T;
    readonly AGENT_PUBLISHER_ARGS: Readonly<PublisherArgsByType[T]>;
  };
}[keyof PublisherArgsByType];

type AgentScalarKey = Exclude<
  ConfigKeyOf<'agent'>,
  keyof AgentChannelSettings | keyof AgentPublisherSettings
>;

/** A resolved agent configuration: every `AGENT_*` and `BATCHED_AGENT_*` key, validated and frozen. */
export type AgentConfiguration = {
  readonly [K in AgentScalarKey]: Readonly<ConfigValue<K>>;
} & AgentChannelSettings &
  AgentPublisherSettings;

/**
 * Resolves the configuration of `Agent`: the defaults, overridden by `input` (`CLIENT_*`
 * keys are ignored), overridden by `KADABRA_AGENT_*` / `KADABRA_BATCHED_AGENT_*` variables
 * of `env`. `AGENT_CHANNEL_ARGS` and `AGENT_PUBLISHER_ARGS` come back complete: the
 * type's defaults merged with the overrides.
 *
 * @throws ConfigurationError naming the key, the value received and what is accepted.
 */
export function resolveAgentConfiguration(
  input?: unknown,
  env: NodeJS.ProcessEnv = process.env,
): AgentConfiguration {
  // Sound because every key was validated by its schema and the args by their type's.
  return resolveConfiguration('agent', input, env) as AgentConfiguration;
}

/**
 * Whether `value` is a configuration `resolveAgentConfiguration` returned: complete,
 * validated and frozen, so whoever receives it uses it as it is.
 */
export function isAgentConfiguration(value: unknown): value is AgentConfiguration {
  return isResolvedConfiguration(value, 'agent');
}
