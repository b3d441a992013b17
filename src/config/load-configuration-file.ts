import { readFileSync } from 'node:fs';
import { ConfigurationError } from '../errors/configuration-error.js';
import { formatValue } from './format-value.js';
import { isPlainObject } from './is-plain-object.js';
import { describeJsonSyntaxError } from './json-syntax-error.js';

/**
 * Reads a JSON configuration file (an object of the same keys `Kadabra` and `Agent`
 * take). Only the file is checked here; the keys are checked when the result is
 * resolved. A UTF-8 byte order mark is allowed.
 *
 * @throws ConfigurationError (key `''`) naming the file and what is wrong with it.
 */
export function loadConfigurationFile(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ConfigurationError('', `cannot read configuration file ${path}: ${reason}`);
  }
  text = text.replace(/^\uFEFF/, '');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    // JSON.parse's own message quotes the text, which may hold a password: say where only.
    throw new ConfigurationError('', `configuration file ${path} is not valid JSON: ${describeJsonSyntaxError(text)}`);
  }
  if (!isPlainObject(parsed)) {
    throw new ConfigurationError(
      '',
      `configuration file ${path} must hold a JSON object of keys to values; got ${formatValue(parsed)}`,
    );
  }
  return parsed;
}
