import { ARGUMENT_KEYS } from './argument-keys.js';
import { CONFIG_KEYS, configKeysOf, type ConfigSide } from './config-keys.js';
import { jsonSchemaAt, jsonSchemaOf, type JsonSchema } from './describe-schema.js';
import { maskSetting, secretKindOf, type SecretKind } from './secret-setting.js';

/**
 * An argument's value as it may be shown, by its schema node: masked whole when the node
 * marks it a credential or no node describes it; inside an object or array (a list of
 * receivers with their passwords), each part by its own node.
 */
function maskArgument(value: unknown, node: JsonSchema | undefined): unknown {
  if (node === undefined) return maskSetting(value, 'value');
  const kind: SecretKind | undefined = secretKindOf(node);
  if (kind !== undefined || value === null || typeof value !== 'object') return maskSetting(value, kind);
  if (Array.isArray(value)) return value.map((item: unknown, index) => maskArgument(item, jsonSchemaAt(node, [index])));
  return Object.fromEntries(Object.entries(value).map(([key, part]) => [key, maskArgument(part, jsonSchemaAt(node, [key]))]));
}

/**
 * A resolved configuration of `side` as it may be shown (the agent's status page): every
 * key of the side in reference order, `*_ARGS` with every argument of their type, and
 * each value its schema marks as a credential (`secretValue`, `urlWithCredentials`)
 * masked. The marks sit on the schemas, so a new credential setting is masked by being
 * declared one, not by its name. An argument no schema describes is masked whole: nothing
 * says it is harmless.
 */
export function maskConfiguration(side: ConfigSide, configuration: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const shown: Record<string, unknown> = {};
  for (const name of configKeysOf(side)) {
    const value = configuration[name];
    const pair = ARGUMENT_KEYS.find((p) => p.argsKey === name);
    if (pair === undefined || value === null || typeof value !== 'object') {
      shown[name] = maskSetting(value, secretKindOf(jsonSchemaOf(CONFIG_KEYS[name].schema)));
      continue;
    }
    const spec = pair.registry[String(configuration[pair.typeKey])];
    const properties = spec === undefined ? {} : (jsonSchemaOf(spec.schema).properties ?? {});
    shown[name] = Object.fromEntries(
      Object.entries(value).map(([argument, argumentValue]) => {
        const node = properties[argument];
        return [argument, maskArgument(argumentValue, typeof node === 'object' ? node : undefined)];
      }),
    );
  }
  return shown;
}
