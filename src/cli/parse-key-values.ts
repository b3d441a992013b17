import { CliUsageError } from './cli-usage-error.js';

/**
 * Turns `key=value` strings (from `--dimension` / `--metadata`) into a record; the value
 * may contain `=`, the key may not be empty, any other key is kept (`__proto__` too). A
 * later key replaces an earlier one.
 * @throws CliUsageError naming the option and the bad item.
 */
export function parseKeyValues(items: readonly string[], option: string): Record<string, string> {
  const pairs = new Map<string, string>();
  for (const item of items) {
    const at = item.indexOf('=');
    if (at <= 0) {
      throw new CliUsageError(`--${option} takes key=value; got ${JSON.stringify(item)}`);
    }
    pairs.set(item.slice(0, at), item.slice(at + 1));
  }
  // fromEntries defines own properties, so `__proto__`, `constructor`, ... are carried as
  // keys like any other (an assignment `result['__proto__'] = v` would drop the pair).
  return Object.fromEntries(pairs);
}
