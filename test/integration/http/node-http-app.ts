import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Kadabra } from '../../../src/client/kadabra.js';
import { kadabraHttp } from '../../../src/http/node-http.js';
import { foreverStream, readBody, serveOnLoopback, SKIPPED_PATHS, writeStream, type AppUnderTest, type ScenarioSignals } from './http-scenario-app.js';

const FIXED_ROUTES = new Set(['/echo', '/stream', '/stream-forever', '/slow', '/boom', '/bad-input', '/healthz']);

/** The application's own route table, as `normalizeRoute` for a bare listener: templates, never raw paths. */
export function scenarioRoute(_template: string | undefined, req: IncomingMessage): string {
  const path = (req.url ?? '').split('?')[0] ?? '';
  if (/^\/users\/[^/]+$/.test(path)) return '/users/:id';
  return FIXED_ROUTES.has(path) ? path : 'unmatched';
}

function text(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'content-type': 'text/plain' });
  res.end(body);
}

/** The scenario application as a bare `node:http` listener; thrown errors answered 500 (or their status) by the server. */
export async function startNodeHttpApp(client: Kadabra, signals: ScenarioSignals): Promise<AppUnderTest> {
  const listener = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = scenarioRoute(undefined, req);
    if (path === '/users/:id') {
      req.metrics?.addCount('user_lookups', 1);
      req.metrics?.setDimension('tenant', 'acme');
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ id: req.url?.split('/')[2] }));
    } else if (path === '/echo') {
      text(res, 200, `received ${await readBody(req)}`);
    } else if (path === '/stream') {
      res.writeHead(200, { 'content-type': 'text/plain' });
      await writeStream((chunk) => res.write(chunk), () => res.end(), signals);
    } else if (path === '/stream-forever') {
      res.writeHead(200, { 'content-type': 'text/plain' });
      foreverStream(signals).pipe(res);
    } else if (path === '/slow') {
      signals.started.resolve();
      await signals.release.promise;
      text(res, 200, 'late');
    } else if (path === '/boom') {
      throw new Error('boom');
    } else if (path === '/bad-input') {
      throw Object.assign(new Error('bad input'), { status: 400 });
    } else if (path === '/healthz' || req.url?.startsWith('/internal/')) {
      text(res, 200, 'ok');
    } else {
      text(res, 404, 'not found');
    }
  };
  const instrumented = kadabraHttp(client, listener, { skipPaths: SKIPPED_PATHS, normalizeRoute: scenarioRoute });
  // What a framework does with a rejected handler: the error's status, or 500.
  const server = createServer((req, res) => {
    instrumented(req, res).catch((error: { status?: number }) => text(res, error.status ?? 500, 'failed'));
  });
  return serveOnLoopback(server);
}
