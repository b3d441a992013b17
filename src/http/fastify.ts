/**
 * `kadabra/fastify`: a plugin for Fastify 4 (4.10 or later) and 5.
 *
 * ```ts
 * import { kadabraFastify } from 'kadabra/fastify';
 * await app.register(kadabraFastify, { client, skipPaths: ['/healthz'] });
 * ```
 * @packageDocumentation
 */
import type { FastifyInstance, FastifyPluginCallback, FastifyRequest } from 'fastify';
import type { MetricsCollector } from '../client/metrics-collector.js';
import { HttpRequestRecorder } from './http-request-recorder.js';
import type { HttpInstrumentationOptions, MetricsClient } from './http-instrumentation-options.js';

export * from './http-exports.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The request's collector, set by Kadabra's plugin (`null` for a skipped path). */
    metrics: MetricsCollector | null;
  }
}

/** Options of {@link kadabraFastify}: the client, and the instrumentation's options. */
export interface KadabraFastifyOptions extends HttpInstrumentationOptions {
  readonly client: MetricsClient;
}

/** The route template Fastify matched (`/users/:id`, prefix included), `undefined` for its 404 handler. */
function fastifyRouteTemplate(request: FastifyRequest): string | undefined {
  return (request.routeOptions as { url?: string } | undefined)?.url;
}

const plugin: FastifyPluginCallback<KadabraFastifyOptions> = (fastify: FastifyInstance, options, done) => {
  let recorder: HttpRequestRecorder<FastifyRequest>;
  try {
    recorder = new HttpRequestRecorder<FastifyRequest>(options.client, withoutClient(options), fastifyRouteTemplate, 'kadabra/fastify');
  } catch (error) {
    done(error as Error); // Fastify rejects register()/ready() with it
    return;
  }
  fastify.decorateRequest('metrics', null);
  // A callback hook (not async): it runs in the request listener, before any body chunk is pushed.
  fastify.addHook('onRequest', (request, reply, next) => {
    request.metrics = recorder.begin(request.raw, reply.raw, request) ?? null;
    next();
  });
  fastify.addHook('onError', (request, _reply, _error, next) => {
    HttpRequestRecorder.markThrown(request.raw);
    next();
  });
  done();
};

function withoutClient(options: KadabraFastifyOptions): HttpInstrumentationOptions {
  const { client: _client, ...rest } = options;
  return rest;
}

// What fastify-plugin would set: the hooks apply to the whole application, not one encapsulated context.
Object.assign(plugin, {
  [Symbol.for('skip-override')]: true,
  [Symbol.for('fastify.display-name')]: 'kadabra',
  [Symbol.for('plugin-meta')]: { name: 'kadabra', fastify: '4.x || 5.x' },
});

/**
 * The plugin: register it once on the root instance. Every request gets its own
 * collector (`request.metrics`), sent once when its response ends or its connection closes.
 */
export const kadabraFastify: FastifyPluginCallback<KadabraFastifyOptions> = plugin;
