import { ConfigurationError } from '../errors/configuration-error.js';
import { ARGUMENT_KEYS, isArgumentKey, type ArgumentKeyPair } from './argument-keys.js';
import {
  CONFIG_KEY_NAMES,
  CONFIG_KEYS,
  configKeysOf,
  isConfigKeyName,
  type ConfigKeyName,
  type ConfigSide,
} from './config-keys.js';
import { schemaIssueError, sourceNote, unknownNameError, type ValueSource } from './configuration-issue.js';
import { parseArguments } from './parse-arguments.js';
import { readEnvironmentOverrides } from './environment-overrides.js';
import { formatValue } from './format-value.js';
import { isPlainObject } from './is-plain-object.js';
import { registerSecretsIn } from '../logging/redact-secrets.js';

type Dictionary = Record<string, unknown>;

/** `*_ARGS` overrides after the configuration and the environment are combined. */
interface ArgumentOverrides {
  readonly overrides: Dictionary | null;
  /** Argument names the environment set, so their errors name the variable. */
  readonly fromEnvironment: ReadonlySet<string>;
  readonly variable: string | undefined;
}

/** Configurations this module resolved, by side: handed on, they are not resolved again. */
const resolvedConfigurations = new WeakMap<object, ConfigSide>();

/** Whether `value` is a configuration `resolveConfiguration` returned for `side`. */
export function isResolvedConfiguration(value: unknown, side: ConfigSide): boolean {
  return typeof value === 'object' && value !== null && resolvedConfigurations.get(value) === side;
}

/** The given keys of `side`; fails on keys that belong to neither side. */
function givenValues(side: ConfigSide, input: unknown): Map<ConfigKeyName, unknown> {
  const given = new Map<ConfigKeyName, unknown>();
  if (input === undefined || input === null) return given;
  if (!isPlainObject(input)) {
    throw new ConfigurationError(
      '',
      `configuration must be a plain object of keys to values; got ${formatValue(input)}`,
    );
  }
  for (const [name, value] of Object.entries(input)) {
    // An explicit undefined (e.g. from `{ ...options }`) means "not set".
    if (value === undefined) continue;
    if (!isConfigKeyName(name)) {
      throw unknownNameError(name, 'is not a configuration key', name, CONFIG_KEY_NAMES, 'Known keys');
    }
    if (CONFIG_KEYS[name].side === side) given.set(name, value);
  }
  return given;
}

/**
 * A dictionary of strings (`CLIENT_DEFAULT_DIMENSIONS`) with every own key kept: zod's
 * record drops `__proto__`, which is a dimension name like any other.
 */
function ownStringEntries(key: ConfigKeyName, value: Dictionary, source: ValueSource): Dictionary {
  for (const [name, inner] of Object.entries(value)) {
    if (typeof inner !== 'string') {
      throw new ConfigurationError(
        `${key}.${name}`,
        `${key}.${name}${sourceNote(source)} must be a string; got ${formatValue(inner, name)}`,
      );
    }
  }
  return Object.fromEntries(Object.entries(value));
}

function validated(key: ConfigKeyName, value: unknown, source: ValueSource = {}): unknown {
  const schema = CONFIG_KEYS[key].schema;
  const result = schema.safeParse(value);
  if (result.success && key === 'CLIENT_DEFAULT_DIMENSIONS' && isPlainObject(value)) {
    return ownStringEntries(key, value, source);
  }
  // zod's record drops an own `__proto__`: the arguments check their names themselves.
  if (result.success && isArgumentKey(key) && isPlainObject(value)) return Object.fromEntries(Object.entries(value));
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  if (issue === undefined) throw new ConfigurationError(key, `${key} is not valid; got ${formatValue(value, key)}`);
  throw schemaIssueError(key, schema, value, issue, source);
}

/** Overrides of one `*_ARGS` key: the environment's dictionary merged over the given one. */
function combineArguments(
  key: ConfigKeyName,
  given: { present: boolean; value: unknown },
  environment: { value: unknown; variable: string } | undefined,
): ArgumentOverrides {
  const base = given.present ? (validated(key, given.value) as Dictionary | null) : null;
  if (environment === undefined) return { overrides: base, fromEnvironment: new Set(), variable: undefined };
  const fromEnvironment = validated(key, environment.value, environment) as Dictionary | null;
  if (fromEnvironment === null) return { overrides: null, fromEnvironment: new Set(), variable: environment.variable };
  return {
    overrides: { ...base, ...fromEnvironment },
    fromEnvironment: new Set(Object.keys(fromEnvironment)),
    variable: environment.variable,
  };
}

/** The type's default arguments merged with the overrides and validated by the type's schema. */
function resolveArguments(
  pair: ArgumentKeyPair,
  typeName: string,
  { overrides, fromEnvironment, variable }: ArgumentOverrides,
): Readonly<Dictionary> {
  const type = pair.registry[typeName];
  // The *_TYPE key's schema only accepts registry names, so this is a registry bug.
  if (type === undefined) throw new ConfigurationError(pair.typeKey, `${pair.typeKey}: no ${pair.kind} type ${typeName}`);
  return parseArguments(type, overrides, { argsKey: pair.argsKey, kind: pair.kind, typeName, fromEnvironment, variable });
}

/**
 * Resolves the configuration of one side: defaults, then `input`, then `KADABRA_<KEY>`
 * environment variables; every value validated and `*_ARGS` completed from their
 * type's defaults. Keys of the other side are ignored (not validated); keys of neither
 * side fail. The result is deeply frozen.
 */
export function resolveConfiguration(
  side: ConfigSide,
  input: unknown,
  env: NodeJS.ProcessEnv,
): Readonly<Dictionary> {
  // First, so a credential is masked in whatever is printed next, even under a misspelled
  // name. Only arguments hold credentials (dimensions are data, never masked).
  if (isPlainObject(input)) for (const pair of ARGUMENT_KEYS) registerSecretsIn(input[pair.argsKey]);
  const given = givenValues(side, input);
  const environment = readEnvironmentOverrides(side, env);
  for (const [key, override] of environment) if (isArgumentKey(key)) registerSecretsIn(override.value);
  const resolved: Dictionary = {};
  const argumentOverrides = new Map<ConfigKeyName, ArgumentOverrides>();

  for (const key of configKeysOf(side)) {
    const fromEnvironment = environment.get(key);
    if (isArgumentKey(key)) {
      const fromInput = { present: given.has(key), value: given.get(key) };
      argumentOverrides.set(key, combineArguments(key, fromInput, fromEnvironment));
      continue;
    }
    // Validate the given value even when the environment replaces it: a broken file
    // should not pass only because one machine happens to override the key.
    const value = given.has(key) ? validated(key, given.get(key)) : CONFIG_KEYS[key].default;
    resolved[key] = fromEnvironment === undefined ? value : validated(key, fromEnvironment.value, fromEnvironment);
    if (typeof resolved[key] === 'object' && resolved[key] !== null) resolved[key] = Object.freeze({ ...resolved[key] });
  }

  for (const pair of ARGUMENT_KEYS) {
    const overrides = argumentOverrides.get(pair.argsKey);
    if (overrides === undefined) continue;
    resolved[pair.argsKey] = resolveArguments(pair, String(resolved[pair.typeKey]), overrides);
  }

  // Present keys in reference order, whatever order they were resolved in.
  const ordered = Object.freeze(Object.fromEntries(configKeysOf(side).map((key) => [key, resolved[key]])));
  resolvedConfigurations.set(ordered, side);
  return ordered;
}
