import { z } from 'zod';

/** A JSON Schema node as zod renders one. */
export type JsonSchema = z.core.JSONSchema.JSONSchema;

const cache = new WeakMap<z.ZodType, JsonSchema>();

/** The JSON Schema of a zod schema (cached): the one source for messages and docs. */
export function jsonSchemaOf(schema: z.ZodType): JsonSchema {
  let json = cache.get(schema);
  if (json === undefined) {
    json = z.toJSONSchema(schema, { unrepresentable: 'any' });
    cache.set(schema, json);
  }
  return json;
}

function asNode(value: z.core.JSONSchema._JSONSchema | undefined): JsonSchema | undefined {
  return typeof value === 'object' ? value : undefined;
}

/** The node describing the value at `path` inside a value of `node`, if known. */
export function jsonSchemaAt(node: JsonSchema, path: readonly PropertyKey[]): JsonSchema | undefined {
  let current: JsonSchema | undefined = node;
  for (const segment of path) {
    if (current === undefined) return undefined;
    const objectNode: JsonSchema | undefined = current.anyOf?.find((option) => option.type === 'object') ?? current;
    if (typeof segment === 'number') {
      current = asNode(Array.isArray(objectNode.items) ? objectNode.items[segment] : objectNode.items);
    } else {
      const name = String(segment);
      current = asNode(objectNode.properties?.[name]) ?? asNode(objectNode.additionalProperties);
    }
  }
  return current;
}

/** JSON Schema bounds zod adds to every integer; they say nothing to a reader. */
function meaningful(bound: unknown): number | undefined {
  return typeof bound === 'number' && Math.abs(bound) !== Number.MAX_SAFE_INTEGER ? bound : undefined;
}

function describeNumber(node: JsonSchema, kind: 'integer' | 'number'): string {
  // Durations carry their unit (see durationSeconds) so messages say "a number of seconds".
  const noun = typeof node['unit'] === 'string' ? `${kind} of ${node['unit']}` : kind;
  const minimum = meaningful(node.minimum);
  const exclusiveMinimum = meaningful(node.exclusiveMinimum);
  const maximum = meaningful(node.maximum);
  const article = kind === 'integer' ? 'an' : 'a';
  if (minimum !== undefined && maximum !== undefined) return `${article} ${noun} from ${minimum} to ${maximum}`;
  if (exclusiveMinimum === 0 || (kind === 'integer' && minimum === 1)) {
    return maximum === undefined ? `a positive ${noun}` : `a positive ${noun} up to ${maximum}`;
  }
  if (minimum === 0) return `a non-negative ${noun}`;
  if (minimum !== undefined) return `${article} ${noun} of at least ${minimum}`;
  if (exclusiveMinimum !== undefined) return `${article} ${noun} greater than ${exclusiveMinimum}`;
  if (maximum !== undefined) return `${article} ${noun} of at most ${maximum}`;
  return `${article} ${noun}`;
}

/** Renders a literal (an enum value, a pattern) in a phrase. */
type Literal = (text: string) => string;

const plain: Literal = (text) => text;

function describeString(node: JsonSchema, literal: Literal): string {
  if (node.pattern !== undefined) return `a string matching ${literal(`/${node.pattern}/`)}`;
  if (node.minLength === 1) return 'a non-empty string';
  if (node.minLength !== undefined) return `a string of at least ${node.minLength} characters`;
  return 'a string';
}

function describeObject(node: JsonSchema): string {
  const values = asNode(node.additionalProperties);
  if (values?.type === 'string') return 'an object of strings';
  if (values?.type === 'number' || values?.type === 'integer') return 'an object of numbers';
  return 'an object';
}

/**
 * What a JSON Schema node accepts, as a phrase that completes "must be ...":
 * `a positive integer`, `one of "debug", "influxdb"`, `an object or null`.
 */
export function describeAccepted(node: JsonSchema | undefined, literal: Literal = plain): string {
  if (node === undefined) return 'a valid value';
  if (node.enum !== undefined) {
    return `one of ${node.enum.map((value) => literal(JSON.stringify(value))).join(', ')}`;
  }
  if (node.const !== undefined) return literal(JSON.stringify(node.const));
  if (node.anyOf !== undefined) return node.anyOf.map((option) => describeAccepted(option, literal)).join(' or ');
  switch (node.type) {
    case 'integer':
      return describeNumber(node, 'integer');
    case 'number':
      return describeNumber(node, 'number');
    case 'string':
      return describeString(node, literal);
    case 'boolean':
      return 'true or false';
    case 'null':
      return 'null';
    case 'object':
      return describeObject(node);
    case 'array':
      return 'an array';
    default:
      return 'a valid value';
  }
}
