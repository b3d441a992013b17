import { isPlainObject } from './is-plain-object.js';

/** Longest rendering of a value in an error message. */
const MAX_LENGTH = 80;

/** Argument names whose values never appear in a message (they may be credentials). */
const SECRET_NAME = /pass|secret|token|auth|credential/i;

/** `scheme://user:password@` in URLs: the password is replaced. */
const URL_CREDENTIALS = /([a-z][a-z0-9+.-]*:\/\/[^\s/:@"]*):[^\s/@"]*@/gi;

/** `"password": "..."` or `password=...` inside text (e.g. malformed JSON from the environment). */
const INLINE_SECRET = /("?[\w-]*(?:pass|secret|token|auth|credential)[\w-]*"?\s*[:=]\s*)("[^"]*"?|[^\s,}]+)/gi;

const REDACTED = '[redacted]';

function scrub(text: string): string {
  return text.replace(URL_CREDENTIALS, `$1:${REDACTED}@`).replace(INLINE_SECRET, `$1${REDACTED}`);
}

function render(value: unknown): string {
  switch (typeof value) {
    case 'undefined':
      return 'undefined';
    case 'number':
      // JSON.stringify would show NaN and Infinity as null.
      return String(value);
    case 'bigint':
      return `${value}n`;
    case 'symbol':
      return value.toString();
    case 'function':
      return `[function ${value.name || 'anonymous'}]`;
    case 'object':
      if (value !== null && !Array.isArray(value) && !isPlainObject(value)) {
        return `[object ${value.constructor?.name ?? 'Object'}]`;
      }
      break;
  }
  try {
    return JSON.stringify(value, (name, inner: unknown) => {
      if (name !== '' && SECRET_NAME.test(name)) return REDACTED;
      if (typeof inner === 'bigint') return `${inner}n`;
      if (typeof inner === 'string') return scrub(inner);
      return inner;
    });
  } catch {
    return Object.prototype.toString.call(value);
  }
}

/**
 * Renders a received value for an error message: JSON-like, strings quoted, credentials
 * (values of secret-looking names, passwords inside URLs) redacted, at most 80 characters.
 * `name` is the key or argument the value was given for.
 */
export function formatValue(value: unknown, name?: string): string {
  if (name !== undefined && SECRET_NAME.test(name)) return REDACTED;
  const text = render(value);
  return text.length > MAX_LENGTH ? `${text.slice(0, MAX_LENGTH - 1)}…` : text;
}
