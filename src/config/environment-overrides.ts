import { ConfigurationError } from '../errors/configuration-error.js';
import { CONFIG_KEYS, configKeysOf, type ConfigKeyName, type ConfigSide } from './config-keys.js';
import { describeAccepted, jsonSchemaOf } from './describe-schema.js';
import { describeJsonSyntaxError } from './json-syntax-error.js';

/** Prefix of the environment variables that override configuration keys. */
export const ENVIRONMENT_PREFIX = 'KADABRA_';

/** A key's value taken from the environment, with the variable that set it. */
export interface EnvironmentOverride {
  readonly value: unknown;
  readonly variable: string;
}

/** The environment variable that overrides `key`: `KADABRA_<KEY>`. */
export function environmentVariableFor(key: ConfigKeyName): string {
  return `${ENVIRONMENT_PREFIX}${key}`;
}

/**
 * Reads `KADABRA_<KEY>` for every key of `side`. String keys take the raw text; numbers,
 * dictionaries and `null` are parsed as JSON. Unset and empty variables are skipped;
 * `KADABRA_*` variables that name no key of this side are ignored.
 */
export function readEnvironmentOverrides(
  side: ConfigSide,
  env: NodeJS.ProcessEnv,
): Map<ConfigKeyName, EnvironmentOverride> {
  const overrides = new Map<ConfigKeyName, EnvironmentOverride>();
  for (const key of configKeysOf(side)) {
    const variable = environmentVariableFor(key);
    const raw = env[variable];
    if (raw === undefined || raw === '') continue;
    const spec = CONFIG_KEYS[key];
    if (spec.environment === 'text') {
      overrides.set(key, { value: raw, variable });
      continue;
    }
    try {
      overrides.set(key, { value: JSON.parse(raw) as unknown, variable });
    } catch {
      // JSON.parse's own message quotes the text, which may hold a password: say where only.
      const example = spec.default === null ? '{"name": value}' : JSON.stringify(spec.default);
      throw new ConfigurationError(
        key,
        `${variable} is not valid JSON (${describeJsonSyntaxError(raw)}; ${raw.length} characters, not shown). ` +
          `${key} must be ${describeAccepted(jsonSchemaOf(spec.schema))}, written as JSON ` +
          `(e.g. ${example})`,
      );
    }
  }
  return overrides;
}
