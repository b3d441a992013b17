export {
  isAgentConfiguration,
  resolveAgentConfiguration,
  type AgentChannelSettings,
  type AgentConfiguration,
  type AgentPublisherSettings,
} from './agent-configuration.js';
export { ARGUMENT_KEYS, type ArgumentKeyPair, type ChannelArgsByType, type PublisherArgsByType } from './argument-keys.js';
export { resolveClientConfiguration, type ClientChannelSettings, type ClientConfiguration } from './client-configuration.js';
export {
  CONFIG_KEY_NAMES,
  CONFIG_KEYS,
  LOG_LEVELS,
  configKeysOf,
  isConfigKeyName,
  type ConfigKeyName,
  type ConfigKeyOf,
  type ConfigKeySpec,
  type ConfigSide,
  type ConfigValue,
} from './config-keys.js';
export {
  MAX_DURATION_SECONDS,
  MAX_TIMER_MS,
  MIN_DURATION_SECONDS,
  durationSeconds,
  secondsToMilliseconds,
} from './duration-seconds.js';
export { ENVIRONMENT_PREFIX, environmentVariableFor } from './environment-overrides.js';
export { loadConfigurationFile } from './load-configuration-file.js';
