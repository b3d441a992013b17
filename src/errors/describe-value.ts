/**
 * Renders a value for an error message so the reader sees exactly what was passed:
 * strings quoted (with escapes), numbers and bigints as written, other things with
 * their type. Long renderings are cut so one bad value cannot flood a log line.
 *
 * @param value - Anything, typically a rejected argument or wire value.
 * @returns A short, human-readable rendering.
 */
export function describeValue(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return truncate(JSON.stringify(value));
    case 'number':
      return Object.is(value, -0) ? '-0' : String(value);
    case 'bigint':
      return `${value}n`;
    case 'boolean':
    case 'undefined':
    case 'symbol':
      return String(value);
    case 'function':
      return 'a function';
    default:
      break;
  }
  if (value === null) return 'null';
  if (value instanceof Date) return `Date(${Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString()})`;
  if (Array.isArray(value)) return truncate(`${safeJson(value)} (array)`);
  const ctor = (value as { constructor?: { name?: unknown } }).constructor;
  const kind = typeof ctor?.name === 'string' && ctor.name !== 'Object' ? ctor.name : 'object';
  return truncate(`${safeJson(value)} (${kind})`);
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v)) ?? String(value);
  } catch {
    return '[unserializable]';
  }
}

const MAX_LENGTH = 120;

function truncate(text: string): string {
  return text.length <= MAX_LENGTH ? text : `${text.slice(0, MAX_LENGTH)}...`;
}
