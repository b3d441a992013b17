import { CliUsageError } from './cli-usage-error.js';

/**
 * Turns `key=value` strings (from `--dimension` / `--metadata`) into a record; the value
 * may contain `=`, the key may not be empty. A later key replaces an earlier one.
 * @throws CliUsageError naming the option and the bad item.
 */
export function parseKeyValues(items: readonly string[], option: string): Record<string, string> {
  const result: Record<string, string> = {};
  for (const item of items) {
    const at = item.indexOf('=');
    if (at <= 0) {
      throw new CliUsageError(`--${option} takes key=value; got ${JSON.stringify(item)}`);
    }
    result[item.slice(0, at)] = item.slice(at + 1);
  }
  return result;
}
