import { ARGUMENT_KEYS } from './argument-keys.js';
import { CONFIG_KEYS, configKeysOf, type ConfigSide } from './config-keys.js';
import { jsonSchemaOf } from './describe-schema.js';
import { maskSetting, secretKindOf, type SecretKind } from './secret-setting.js';

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
        const kind: SecretKind | undefined = typeof node === 'object' ? secretKindOf(node) : 'value';
        return [argument, maskSetting(argumentValue, kind)];
      }),
    );
  }
  return shown;
}
