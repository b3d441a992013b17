import { pyFloat, pyString } from '../../../src/wire/python-json.js';

/**
 * Python's `json.dumps` for the JSON values `serialize()` returns (all numbers are
 * floats), built from the string and float pieces alone: an oracle for the message
 * layout that shares none of the encoder's code for it.
 */
export function pyDumps(value: unknown): string {
  if (typeof value === 'string') return pyString(value);
  if (typeof value === 'number') return pyFloat(value);
  if (Array.isArray(value)) return '[' + value.map(pyDumps).join(', ') + ']';
  const obj = value as Record<string, unknown>;
  return '{' + Object.keys(obj).map((k) => pyString(k) + ': ' + pyDumps(obj[k])).join(', ') + '}';
}
