import type { z } from 'zod';
import { ConfigurationError } from '../errors/configuration-error.js';
import { describeAccepted, jsonSchemaAt, jsonSchemaOf, type JsonSchema } from './describe-schema.js';
import { formatValue } from './format-value.js';
import { nearestName } from './nearest-name.js';

/** Where a value came from, when not from the configuration object itself. */
export interface ValueSource {
  /** The `KADABRA_*` environment variable that set it. */
  readonly variable?: string | undefined;
  /** What the value is an argument of (`publisher "influxdb"`), when no `*_TYPE` key beside it says so. */
  readonly owner?: string | undefined;
}

/** ` of publisher "influxdb"` for an owner, ` (from KADABRA_X)` when the value came from the environment. */
export function sourceNote(source: ValueSource): string {
  const owner = source.owner === undefined ? '' : ` of ${source.owner}`;
  return source.variable === undefined ? owner : `${owner} (from ${source.variable})`;
}

function valueAt(value: unknown, path: readonly PropertyKey[]): unknown {
  let current = value;
  for (const segment of path) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<PropertyKey, unknown>)[segment];
  }
  return current;
}

/**
 * Why a value users may expect to work is not among an enum's, from the schema's
 * `refusedValues` metadata (`z.enum([...]).meta({ refusedValues: { prefer: 'why' } })`).
 */
function refusedBecause(node: JsonSchema, received: string): string | undefined {
  const refused = node['refusedValues'];
  if (typeof refused !== 'object' || refused === null || !Object.hasOwn(refused, received)) return undefined;
  const why: unknown = (refused as Record<string, unknown>)[received];
  return typeof why === 'string' ? why : undefined;
}

/**
 * The error for a value `schema` rejected: names the key path, the value received
 * and what is accepted, e.g. `AGENT_RECEIVER_THREADS must be a positive integer; got "three"`.
 * `rootPath` is the key (or `KEY_ARGS`) the validated value sits at.
 */
export function schemaIssueError(
  rootPath: string,
  schema: z.ZodType,
  value: unknown,
  issue: z.core.$ZodIssue,
  source: ValueSource = {},
): ConfigurationError {
  const path = [rootPath, ...issue.path.map(String)].join('.');
  const node = jsonSchemaAt(jsonSchemaOf(schema), issue.path);
  const received = valueAt(value, issue.path);
  const lastName = issue.path.length > 0 ? String(issue.path[issue.path.length - 1]) : rootPath;
  let hint = '';
  if (node?.enum !== undefined && typeof received === 'string') {
    const refused = refusedBecause(node, received);
    const suggestion = nearestName(received, node.enum.map(String));
    if (refused !== undefined) hint = `: ${refused}`;
    else if (suggestion !== undefined) hint = ` (did you mean ${JSON.stringify(suggestion)}?)`;
  }
  // Where a dictionary belongs (`*_ARGS`), a string is likely a misplaced credential or URL:
  // it is described, not shown.
  const expectsObject = node?.type === 'object' || node?.anyOf?.some((option) => option.type === 'object') === true;
  const shown = expectsObject ? formatValue(received) : formatValue(received, lastName);
  // A refinement's own words say what is wrong with a value of the right type (a bound out
  // of order, a reserved name); the schema's type alone would say "must be a string".
  if (issue.code === 'custom' && issue.message !== '') {
    return new ConfigurationError(path, `${path}${sourceNote(source)} ${issue.message}; got ${shown}`);
  }
  return new ConfigurationError(
    path,
    `${path}${sourceNote(source)} must be ${describeAccepted(node)}; got ${shown}${hint}`,
  );
}

/**
 * The error for a name that is not among `accepted`, with the nearest one suggested. The
 * value is never shown: an unknown name may be a misspelled credential (`pasword`).
 */
export function unknownNameError(
  path: string,
  problem: string,
  name: string,
  accepted: readonly string[],
  acceptedLabel: string,
  source: ValueSource = {},
): ConfigurationError {
  const suggestion = nearestName(name, accepted);
  const hint = suggestion === undefined ? '' : ` (did you mean ${suggestion}?)`;
  return new ConfigurationError(
    path,
    `${path}${sourceNote(source)} ${problem}${hint}. ` +
      `${acceptedLabel}: ${accepted.join(', ')}`,
  );
}
