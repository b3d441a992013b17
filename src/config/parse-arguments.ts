import type { z } from 'zod';
import { ConfigurationError } from '../errors/configuration-error.js';
import { schemaIssueError, unknownNameError, type ValueSource } from './configuration-issue.js';

/** The argument schema and defaults of one channel or publisher type. */
export interface ArgumentsSpec {
  readonly schema: z.ZodObject;
  readonly defaults: Readonly<Record<string, unknown>>;
}

/** Where arguments are parsed, for the keys and messages of their errors. */
export interface ArgumentsPlace {
  /** The key the arguments sit at: `AGENT_PUBLISHER_ARGS`, or `CHANNEL_ARGS` for a channel made directly. */
  readonly argsKey: string;
  readonly kind: 'channel' | 'publisher';
  /** The type's name (`redis`, `influxdb`). */
  readonly typeName: string;
  /**
   * Whether a bad value's message names the type (`AGENT_PUBLISHER_ARGS.port of publisher
   * "influxdb" must be ...`): arguments given to a constructor or `createPublisher`, where
   * no `*_TYPE` key beside them says it.
   */
  readonly namesType?: boolean;
  /** Argument names an environment variable set, and that variable: their errors name it. */
  readonly fromEnvironment?: ReadonlySet<string>;
  readonly variable?: string | undefined;
}

/** Parsed arguments, with the spec that parsed them: handed on, they are not parsed again. */
const parsed = new WeakMap<object, ArgumentsSpec>();

function withoutUndefined(dictionary: Readonly<Record<string, unknown>>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(dictionary).filter(([, value]) => value !== undefined));
}

/**
 * The one validation of a channel's or publisher's arguments: `overrides` merged over
 * the type's defaults, checked by its schema, frozen. Arguments this function already
 * returned for the same type come back as they are, so a value resolved by the
 * configuration passes `createPublisher`, `createChannel` and the constructors unparsed.
 * An argument set to `undefined` keeps its default.
 *
 * @throws ConfigurationError naming the argument (`AGENT_PUBLISHER_ARGS.port`), the value
 *   received (never a credential's) and what is accepted; an unknown name with the
 *   nearest known one and the list of accepted arguments.
 */
export function parseArguments<Args extends object>(
  spec: ArgumentsSpec,
  overrides: Readonly<Record<string, unknown>> | null | undefined,
  place: ArgumentsPlace,
): Readonly<Args> {
  if (overrides != null && parsed.get(overrides) === spec) return overrides as Readonly<Args>;
  const given = overrides ?? {};
  const source = (name: string): ValueSource => ({
    variable: place.fromEnvironment?.has(name) === true ? place.variable : undefined,
  });
  // zod looks names up with `in`, so `__proto__`, `constructor`, `toString` would pass as
  // known (and be ignored): only the schema's own names are arguments.
  const foreign = Object.keys(given).find((name) => given[name] !== undefined && !Object.hasOwn(spec.schema.shape, name));
  if (foreign !== undefined) {
    throw unknownNameError(
      `${place.argsKey}.${foreign}`,
      `is not an argument of ${place.kind} type "${place.typeName}"`,
      foreign,
      Object.keys(spec.schema.shape),
      'Accepted arguments',
      source(foreign),
    );
  }
  const merged = { ...spec.defaults, ...withoutUndefined(given) };
  const result = spec.schema.safeParse(merged);
  if (result.success) {
    const args = Object.freeze({ ...result.data });
    parsed.set(args, spec);
    return args as Readonly<Args>;
  }
  const issue = result.error.issues[0];
  if (issue === undefined) throw new ConfigurationError(place.argsKey, `${place.argsKey} is not valid`);
  const owner = place.namesType === true ? `${place.kind} ${JSON.stringify(place.typeName)}` : undefined;
  throw schemaIssueError(place.argsKey, spec.schema, merged, issue, { ...source(String(issue.path[0] ?? '')), owner });
}
