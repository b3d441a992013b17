import { WireFormatError } from '../errors/wire-format-error.js';
import { NO_METADATA, type Metadata } from './metadata.js';
import { describeValue } from '../errors/describe-value.js';
import { compileTimestampFormat } from '../time/timestamp-format.js';

/*
 * Readers for decoded wire dictionaries. Each names the path of the bad key in its
 * WireFormatError (e.g. `counters[2].value must be a number, got "x"`), since that
 * message becomes the dead-letter reason an operator reads.
 */

/** A decoded JSON object. */
export type WireObject = Readonly<Record<string, unknown>>;

/**
 * Checks that `value` is a JSON object (not null, not an array). `path` `''` is the message.
 *
 * @throws WireFormatError naming `path`.
 */
export function readObject(value: unknown, path: string): WireObject {
  const label = path === '' ? 'the message' : path;
  if (value === undefined) throw new WireFormatError(`${label} is missing`);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new WireFormatError(`${label} must be a JSON object, got ${describeValue(value)}`);
  }
  return value as WireObject;
}

function present(obj: WireObject, key: string, path: string): unknown {
  const value = Object.hasOwn(obj, key) ? obj[key] : undefined;
  if (value === undefined) throw new WireFormatError(`${childPath(path, key)} is missing`);
  return value;
}

/** Reads a required string member. */
export function readString(obj: WireObject, key: string, path: string): string {
  const value = present(obj, key, path);
  if (typeof value !== 'string') throw new WireFormatError(`${childPath(path, key)} must be a string, got ${describeValue(value)}`);
  return value;
}

/** Reads a required finite number member. */
export function readNumber(obj: WireObject, key: string, path: string): number {
  const value = present(obj, key, path);
  if (typeof value !== 'number') throw new WireFormatError(`${childPath(path, key)} must be a number, got ${describeValue(value)}`);
  if (!Number.isFinite(value)) {
    throw new WireFormatError(`${childPath(path, key)} must be a finite number, got ${value} (beyond the range of a double)`);
  }
  return value;
}

/** Reads a required array member. */
export function readArray(obj: WireObject, key: string, path: string): readonly unknown[] {
  const value = present(obj, key, path);
  if (!Array.isArray(value)) throw new WireFormatError(`${childPath(path, key)} must be an array, got ${describeValue(value)}`);
  return value;
}

/** Joins a parent path and a key (the top level has no prefix). */
export function childPath(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

/**
 * Reads `metadata` leniently: missing or null means `{}`, and number or boolean values
 * are converted with `JSON.stringify` (`1` -> `"1"`, `true` -> `"true"`) since other
 * producers write them; any other value type is an error.
 */
export function readMetadata(obj: WireObject, path: string): Metadata {
  const value = Object.hasOwn(obj, 'metadata') ? obj.metadata : undefined;
  if (value === undefined || value === null) return NO_METADATA;
  const metadataPath = childPath(path, 'metadata');
  const source = readObject(value, metadataPath);
  const keys = Object.keys(source);
  if (keys.length === 0) return NO_METADATA;
  const out: Record<string, string> = {};
  for (const key of keys) {
    const v = source[key];
    let text: string;
    if (typeof v === 'string') text = v;
    else if ((typeof v === 'number' && Number.isFinite(v)) || typeof v === 'boolean') text = JSON.stringify(v);
    else throw new WireFormatError(`${metadataPath}[${JSON.stringify(key)}] must be a string, got ${describeValue(v)}`);
    // A `__proto__` key must become an own property, not the prototype.
    if (key === '__proto__') Object.defineProperty(out, key, { value: text, enumerable: true, writable: true, configurable: true });
    else out[key] = text;
  }
  // Frozen, so that the Counter or Timer keeps it instead of copying it.
  return Object.freeze(out);
}

/** Metadata of a metric whose `metadata` is missing, null or `{}`. */

/**
 * Reads and parses the `timestamp` member of a counter or timer dictionary.
 *
 * @throws WireFormatError naming the path when it is missing, not a string or does not
 *   match the format.
 */
export function readTimestamp(obj: WireObject, timestampFormat: string, path: string): bigint {
  const text = readString(obj, 'timestamp', path);
  try {
    return compileTimestampFormat(timestampFormat).parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new WireFormatError(`${childPath(path, 'timestamp')}: ${reason}`);
  }
}
