import type { IncomingMessage } from 'node:http';
import type { Kadabra } from '../client/kadabra.js';
import { describeValue } from '../errors/describe-value.js';
import { InvalidArgumentError } from '../errors/invalid-argument-error.js';

/** The dimensions the HTTP instrumentation can set on a request's collector, in the order it sets them. */
export const HTTP_DIMENSIONS = ['method', 'route', 'status'] as const;

/** One of {@link HTTP_DIMENSIONS}. */
export type HttpDimension = (typeof HTTP_DIMENSIONS)[number];

/**
 * The `route` of a request no route matched (a 404 from the framework, a response sent
 * by a middleware before routing, every request of a bare `node:http` listener without
 * `normalizeRoute`): one fixed value, so unknown paths cannot multiply series.
 */
export const UNMATCHED_ROUTE = 'unmatched';

/**
 * Turns the framework's route template (`undefined` when no route matched) into the
 * `route` dimension. It must return a string from a bounded set: never the raw path.
 */
export type RouteNormalizer = (template: string | undefined, req: IncomingMessage) => string;

/** Options of the HTTP instrumentation (`kadabra/http`, `kadabra/express`, `kadabra/fastify`). */
export interface HttpInstrumentationOptions {
  /** Which of `method`, `route`, `status` to set on each request's collector. Default: all three. */
  readonly dimensions?: readonly HttpDimension[];
  /**
   * Derives the `route` dimension from the framework's template. Default: the template,
   * or `'unmatched'` ({@link UNMATCHED_ROUTE}) when no route matched.
   */
  readonly normalizeRoute?: RouteNormalizer;
  /**
   * Requests whose path (the URL before `?`) equals one of these strings or matches one
   * of these regular expressions are not recorded (health checks, probes). Default: none.
   */
  readonly skipPaths?: readonly (string | RegExp)[];
}

/** The client the instrumentation records with: a `Kadabra`, or anything that hands out collectors and sends them. */
export type MetricsClient = Pick<Kadabra, 'metrics' | 'send'>;

/** Options checked once, with the defaults applied. */
export interface ResolvedHttpOptions {
  readonly method: boolean;
  readonly route: boolean;
  readonly status: boolean;
  readonly normalizeRoute: RouteNormalizer;
  readonly skipPaths: readonly (string | RegExp)[];
}

/** The defaults of {@link HttpInstrumentationOptions}. */
export const DEFAULT_HTTP_OPTIONS = {
  dimensions: HTTP_DIMENSIONS,
  normalizeRoute: (template: string | undefined): string => template ?? UNMATCHED_ROUTE,
  skipPaths: [] as readonly (string | RegExp)[],
} as const;

/**
 * Checks the client and options of an instrumentation once, at setup.
 *
 * @param where - The entry point, named in error messages (`kadabra/express`).
 * @throws InvalidArgumentError naming the bad value and what is accepted.
 */
export function resolveHttpOptions(client: unknown, options: unknown, where: string): ResolvedHttpOptions {
  const candidate = client as Partial<MetricsClient> | null | undefined;
  if (typeof candidate?.metrics !== 'function' || typeof candidate.send !== 'function') {
    throw new InvalidArgumentError(`${where}: the client must be a Kadabra client (new Kadabra(...)), got ${describeValue(client)}`);
  }
  if (options === undefined) options = {};
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new InvalidArgumentError(`${where}: options must be an object, got ${describeValue(options)}`);
  }
  const { dimensions = DEFAULT_HTTP_OPTIONS.dimensions, normalizeRoute = DEFAULT_HTTP_OPTIONS.normalizeRoute, skipPaths = DEFAULT_HTTP_OPTIONS.skipPaths } =
    options as HttpInstrumentationOptions;
  if (!Array.isArray(dimensions) || dimensions.some((name) => !(HTTP_DIMENSIONS as readonly unknown[]).includes(name))) {
    throw new InvalidArgumentError(
      `${where}: dimensions must be an array of ${HTTP_DIMENSIONS.map((name) => `'${name}'`).join(', ')}; got ${describeValue(dimensions)}`,
    );
  }
  if (typeof normalizeRoute !== 'function') {
    throw new InvalidArgumentError(
      `${where}: normalizeRoute must be a function (template, req) => string, got ${describeValue(normalizeRoute)}`,
    );
  }
  if (!Array.isArray(skipPaths) || skipPaths.some((path) => typeof path !== 'string' && !(path instanceof RegExp))) {
    throw new InvalidArgumentError(
      `${where}: skipPaths must be an array of path strings ('/healthz') or regular expressions, got ${describeValue(skipPaths)}`,
    );
  }
  return {
    method: dimensions.includes('method'),
    route: dimensions.includes('route'),
    status: dimensions.includes('status'),
    normalizeRoute,
    skipPaths,
  };
}
