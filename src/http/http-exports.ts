// What every HTTP entry point (`kadabra/http`, `kadabra/express`, `kadabra/fastify`) exports besides its own function.
export {
  DEFAULT_HTTP_OPTIONS,
  HTTP_DIMENSIONS,
  UNMATCHED_ROUTE,
  type HttpDimension,
  type HttpInstrumentationOptions,
  type MetricsClient,
  type RouteNormalizer,
} from './http-instrumentation-options.js';
export { CLOSED_BEFORE_RESPONSE_STATUS, HTTP_METRICS, type HttpErrorReason } from './http-request-recorder.js';
