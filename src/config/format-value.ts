import { isSecretName, REDACTED, redactConfigurationText } from '../logging/redact-secrets.js';
import { describeValue } from '../errors/describe-value.js';
import { isPlainObject } from './is-plain-object.js';

/** Longest rendering of a value in an error message. */
const MAX_LENGTH = 80;

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

function render(value: unknown): string {
  if (typeof value === 'string') return describeValue(redactConfigurationText(value));
  if (typeof value === 'function') return `[function ${value.name || 'anonymous'}]`;
  if (typeof value === 'symbol') return 'a symbol';
  if (typeof value !== 'object' || value === null) return describeValue(value);
  // Containers show their shape only: what is inside may be a credential under any name.
  if (Array.isArray(value)) return `an array of ${plural(value.length, 'item')}`;
  if (!isPlainObject(value)) return `[object ${(value as { constructor?: { name?: string } }).constructor?.name ?? 'Object'}]`;
  const keys = Object.keys(value);
  if (keys.length === 0) return '{}';
  return redactConfigurationText(`{${keys.map((key) => `${JSON.stringify(key)}: …`).join(', ')}}`);
}

/**
 * Renders a received value for a configuration error message as `describeValue` does for
 * other errors, but never showing a credential:
 * strings quoted (with any URL password or `password=...` inside masked), numbers and
 * booleans as written, arrays and objects by their shape only (`an array of 2 items`,
 * `{"host": …, "port": …}`), at most 80 characters. `name` is the key or argument the
 * value was given for: a secret-like name (`isSecretName`: password, token, key, ...
 * and near misses) shows `[redacted]` whatever the value; without a name a string is
 * described by its length only.
 */
export function formatValue(value: unknown, name?: string): string {
  if (name !== undefined && isSecretName(name)) return REDACTED;
  // A string not given for a known name (a whole file, a whole configuration) is not shown.
  if (name === undefined && typeof value === 'string') return `a string of ${plural(value.length, 'character')}`;
  const text = render(value);
  return text.length > MAX_LENGTH ? `${text.slice(0, MAX_LENGTH - 1)}…` : text;
}
