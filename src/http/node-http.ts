/**
 * `kadabra/http`: instrumentation of a `node:http` / `node:https` request listener.
 *
 * ```ts
 * import { createServer } from 'node:http';
 * import { kadabraHttp } from 'kadabra/http';
 * createServer(kadabraHttp(client, handler, { normalizeRoute: (_template, req) => routeOf(req) })).listen(8080);
 * ```
 * @packageDocumentation
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { MetricsCollector } from '../client/metrics-collector.js';
import { HttpRequestRecorder } from './http-request-recorder.js';
import type { HttpInstrumentationOptions, MetricsClient } from './http-instrumentation-options.js';

export * from './http-exports.js';

declare module 'http' {
  interface IncomingMessage {
    /** The request's collector, set by Kadabra's HTTP instrumentation (absent for a skipped path). */
    metrics?: MetricsCollector;
  }
}

/** A `node:http` request listener (a `node:https` one has the same shape). */
export type RequestListener<Result = unknown> = (req: IncomingMessage, res: ServerResponse) => Result;

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as { then?: unknown } | null | undefined)?.then === 'function';
}

/**
 * Wraps a request listener so that every request is recorded in its own collector
 * (`req.metrics`) and sent once when its response ends or its connection closes. A bare
 * listener has no router: every request's `route` is `'unmatched'` unless
 * `normalizeRoute` derives a template from the request (never return the raw path).
 * A listener that throws, or whose returned promise rejects, counts as an error
 * (`reason: 'thrown'`); the error goes on to where it went before.
 *
 * @throws InvalidArgumentError for a bad client, listener or option.
 */
export function kadabraHttp<Result>(
  client: MetricsClient,
  listener: RequestListener<Result>,
  options?: HttpInstrumentationOptions,
): RequestListener<Result> {
  const recorder = new HttpRequestRecorder<IncomingMessage>(client, options, () => undefined, 'kadabra/http');
  if (typeof listener !== 'function') {
    throw new TypeError(`kadabra/http: the listener must be a function (req, res) => void, got ${typeof listener}`);
  }
  return function instrumented(this: unknown, req: IncomingMessage, res: ServerResponse): Result {
    if (recorder.begin(req, res, req) === undefined) return listener.call(this, req, res);
    let result: Result;
    try {
      result = listener.call(this, req, res);
    } catch (error) {
      HttpRequestRecorder.markThrown(req);
      throw error;
    }
    if (!isThenable(result)) return result;
    return result.then(undefined, (error: unknown) => {
      HttpRequestRecorder.markThrown(req);
      throw error;
    }) as Result;
  };
}
