/**
 * `kadabra/express`: middleware for Express 4 and 5.
 *
 * ```ts
 * import { kadabraExpress } from 'kadabra/express';
 * const metrics = kadabraExpress(client, { skipPaths: ['/healthz'] });
 * app.use(metrics);               // before the routes
 * // ... routes ...
 * app.use(metrics.recordErrors);  // optional, after the routes: counts thrown errors answered below 500
 * ```
 * @packageDocumentation
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { MetricsCollector } from '../client/metrics-collector.js';
import { HttpRequestRecorder } from './http-request-recorder.js';
import type { HttpInstrumentationOptions, MetricsClient } from './http-instrumentation-options.js';

export * from './http-exports.js';

declare global {
  // Express declares its Request in this global namespace: merging adds `req.metrics`.
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      /** The request's collector, set by Kadabra's middleware (absent for a skipped path). */
      metrics?: MetricsCollector;
    }
  }
}

/** What Express puts on a request once a route matched (both majors). */
interface RoutedRequest extends IncomingMessage {
  readonly baseUrl?: string;
  readonly originalUrl?: string;
  readonly route?: { readonly path?: unknown };
}

/** Express' next(). */
type Next = (error?: unknown) => void;

/** Kadabra's Express middleware, and its error-recording companion. */
export interface KadabraExpressMiddleware {
  (req: IncomingMessage, res: ServerResponse, next: Next): void;
  /**
   * Error middleware (4 arguments) to add after the routes: marks the request's error as
   * thrown (`http_errors` with `reason: 'thrown'`) and passes the error on unchanged.
   * Without it, a thrown error still counts when Express answers it with a 5xx.
   */
  readonly recordErrors: (error: unknown, req: IncomingMessage, res: ServerResponse, next: Next) => void;
}

/**
 * The route template of an Express request: the mount path of its router (`req.baseUrl`)
 * and the path its route was declared with (`/users/:id`); `undefined` before a route matched.
 */
export function expressRouteTemplate(req: IncomingMessage): string | undefined {
  const { route, baseUrl } = req as RoutedRequest;
  if (route === undefined) return undefined;
  const path = route.path;
  return (baseUrl ?? '') + (typeof path === 'string' ? path : String(path));
}

/**
 * Middleware that records every request in its own collector (`req.metrics`), sent once
 * when its response ends or its connection closes. Add it before the routes.
 *
 * @throws InvalidArgumentError for a bad client or option.
 */
export function kadabraExpress(client: MetricsClient, options?: HttpInstrumentationOptions): KadabraExpressMiddleware {
  const recorder = new HttpRequestRecorder<IncomingMessage>(client, options, expressRouteTemplate, 'kadabra/express');
  const middleware = (req: IncomingMessage, res: ServerResponse, next: Next): void => {
    recorder.begin(req, res, req);
    next();
  };
  const recordErrors = (error: unknown, req: IncomingMessage, _res: ServerResponse, next: Next): void => {
    HttpRequestRecorder.markThrown(req);
    next(error);
  };
  return Object.assign(middleware, { recordErrors });
}
