import assert from 'node:assert/strict';
import { Agent, createServer, request, type IncomingMessage, type RequestListener, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, describe, test } from 'node:test';
import { PassThrough } from 'node:stream';
import { gzipSync } from 'node:zlib';
import express from 'express';
import { MetricsCollector } from '../../../src/client/metrics-collector.js';
import { InvalidArgumentError } from '../../../src/errors/invalid-argument-error.js';
import { kadabraExpress } from '../../../src/http/express.js';
import { kadabraFastify } from '../../../src/http/fastify.js';
import { kadabraHttp } from '../../../src/http/node-http.js';
import { DEFAULT_TIMESTAMP_FORMAT, type Metrics } from '../../../src/metrics/metrics.js';
import { httpRequest } from '../../support/http-client.js';
import { waitFor } from '../../support/wait-for.js';
import fastify from 'fastify';
import fastify4 from 'fastify4';

/** A client double that keeps what is sent (the channel's side is the recorded-requests tests'). */
function capturingClient(): { metrics(): MetricsCollector; send(metrics: Metrics): void; sent: Metrics[] } {
  const sent: Metrics[] = [];
  return { metrics: () => new MetricsCollector(DEFAULT_TIMESTAMP_FORMAT), send: (metrics) => sent.push(metrics), sent };
}

const servers: Server[] = [];
after(() => {
  for (const server of servers) {
    server.closeAllConnections();
    server.close();
  }
});

async function listen(listener: RequestListener): Promise<number> {
  const server = createServer(listener);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

function dimensions(metrics: Metrics | undefined): [string, string][] {
  return (metrics?.dimensions ?? []).map((d) => [d.name, d.value]);
}

function counter(metrics: Metrics | undefined, name: string): number | undefined {
  return metrics?.counters.find((c) => c.name === name)?.value;
}

/** Resolves with the next process warning of `code`. */
function nextWarning(code: string): Promise<Error> {
  return new Promise((resolve) => {
    const onWarning = (warning: Error & { code?: string }): void => {
      if (warning.code !== code) return;
      process.off('warning', onWarning);
      resolve(warning);
    };
    process.on('warning', onWarning);
  });
}

describe('HTTP instrumentation options and misuse', () => {
  test('bad options fail at setup with the bad value and what is accepted', () => {
    const client = capturingClient();
    const listener = (): void => undefined;
    assert.throws(() => kadabraHttp({} as never, listener), (error: unknown) => {
      assert.ok(error instanceof InvalidArgumentError);
      assert.match(error.message, /kadabra\/http: the client must be a Kadabra client/);
      return true;
    });
    assert.throws(
      () => kadabraExpress(client, { dimensions: ['method', 'path' as never] }),
      (error: unknown) => error instanceof InvalidArgumentError && /dimensions must be an array of 'method', 'route', 'status'; got \["method","path"\]/.test(error.message),
    );
    assert.throws(
      () => kadabraExpress(client, { skipPaths: '/healthz' as never }),
      (error: unknown) => error instanceof InvalidArgumentError && /skipPaths must be an array .* got "\/healthz"/.test(error.message),
    );
    assert.throws(
      () => kadabraHttp(client, listener, { normalizeRoute: '/x' as never }),
      (error: unknown) => error instanceof InvalidArgumentError && /normalizeRoute must be a function .* got "\/x"/.test(error.message),
    );
  });

  test('dimensions: only those chosen, in their fixed order; a normaliser maps templates', async () => {
    const client = capturingClient();
    const port = await listen(
      kadabraHttp(
        client,
        (_req, res) => {
          res.statusCode = 503;
          res.end('down');
        },
        { dimensions: ['status', 'route'], normalizeRoute: (template, req: IncomingMessage) => `${template ?? 'none'}:${req.method}` },
      ),
    );
    assert.equal((await httpRequest(port, '/a')).status, 503);
    await waitFor(() => client.sent.length === 1, 'the message');
    assert.deepEqual(dimensions(client.sent[0]), [['route', 'none:GET'], ['status', '503']]);
    assert.deepEqual(client.sent[0]?.counters.find((c) => c.name === 'http_errors')?.metadata, { reason: 'status' });
  });

  test('keep-alive: each request on one connection is its own message with its own bytes', async () => {
    const client = capturingClient();
    const port = await listen(
      kadabraHttp(client, (req, res) => {
        req.resume();
        req.once('end', () => res.end('x'.repeat(Number(req.headers['x-size']))));
      }),
    );
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const reused: boolean[] = [];
    try {
      for (const size of [10, 200, 3000]) {
        await new Promise<void>((resolve, reject) => {
          const req = request({ host: '127.0.0.1', port, path: '/', method: 'POST', agent, headers: { 'x-size': String(size) } }, (res) => {
            res.resume();
            res.once('end', resolve);
          });
          req.once('error', reject).end('b'.repeat(size));
          req.once('socket', () => reused.push(req.reusedSocket));
        });
      }
    } finally {
      agent.destroy();
    }
    assert.deepEqual(reused, [false, true, true], 'one connection');
    await waitFor(() => client.sent.length === 3, 'three messages');
    assert.deepEqual(client.sent.map((m) => [counter(m, 'http_request_bytes'), counter(m, 'http_response_bytes')]), [
      [10, 10],
      [200, 200],
      [3000, 3000],
    ]);
  });

  test('a normaliser that throws: the template is used, with one process warning', async () => {
    const client = capturingClient();
    const warning = nextWarning('KADABRA_HTTP_ROUTE');
    const app = express();
    app.set('env', 'test'); // Express logs every error it answers otherwise
    app.use(kadabraExpress(client, { normalizeRoute: () => { throw new Error('no table'); } }));
    app.get('/items/:id', (_req, res) => {
      res.send('ok');
    });
    const port = await listen(app);
    await httpRequest(port, '/items/5');
    await httpRequest(port, '/items/6');
    assert.match((await warning).message, /normalizeRoute threw no table; the route template \(or 'unmatched'\) was used/);
    await waitFor(() => client.sent.length === 2, 'two messages');
    assert.deepEqual(client.sent.map((m) => dimensions(m)[1]), [['route', '/items/:id'], ['route', '/items/:id']]);
  });

  test('a listener instrumented twice sends two messages, each with every byte, the outer one first', async () => {
    const client = capturingClient();
    const listener: RequestListener = (req, res) => {
      req.resume();
      req.on('end', () => {
        res.write('ab');
        res.end('cde');
      });
    };
    const port = await listen(kadabraHttp(client, kadabraHttp(client, listener, { normalizeRoute: () => '/inner' }), { normalizeRoute: () => '/outer' }));
    assert.equal((await httpRequest(port, '/x', { method: 'POST', body: 'hello' })).status, 200);
    await waitFor(() => client.sent.length === 2, 'both messages');
    assert.deepEqual(dimensions(client.sent[0]), [['method', 'POST'], ['route', '/outer'], ['status', '200']]);
    assert.deepEqual(dimensions(client.sent[1]), [['method', 'POST'], ['route', '/inner'], ['status', '200']]);
    for (const sent of client.sent) {
      assert.equal(counter(sent, 'http_request_bytes'), 5);
      assert.equal(counter(sent, 'http_response_bytes'), 5);
    }
  });

  test('a collector the handler closed is not sent twice nor thrown: one warning says what to do', async () => {
    const client = capturingClient();
    const warning = nextWarning('KADABRA_HTTP_COLLECTOR_CLOSED');
    const port = await listen(
      kadabraHttp(client, (req, res) => {
        if (req.metrics !== undefined) client.send(req.metrics.close());
        res.end('ok');
      }),
    );
    assert.equal((await httpRequest(port, '/')).status, 200);
    assert.match((await warning).message, /was closed by the application/);
    assert.equal(client.sent.length, 1, 'only what the handler sent itself');
  });

  test('Express: a mounted sub-app (its own request and response prototypes) is recorded like the app', async () => {
    const client = capturingClient();
    const app = express();
    app.use(kadabraExpress(client));
    const admin = express();
    admin.post('/users/:id', (req, res, next) => {
      req.metrics?.addCount('admin_edits', 1);
      req.resume();
      req.on('end', () => res.type('text/plain').send('saved')).on('error', next);
    });
    app.use('/admin', admin);
    const port = await listen(app);
    const answer = await httpRequest(port, '/admin/users/7', { method: 'POST', body: 'name=ann' });
    assert.equal(answer.status, 200);
    await waitFor(() => client.sent.length === 1, 'the message');
    assert.deepEqual(dimensions(client.sent[0]), [['method', 'POST'], ['route', '/admin/users/:id'], ['status', '200']]);
    assert.equal(counter(client.sent[0], 'admin_edits'), 1);
    assert.equal(counter(client.sent[0], 'http_request_bytes'), 8);
    assert.equal(counter(client.sent[0], 'http_response_bytes'), answer.bodyBytes);
  });

  test('a middleware that replaces res.write/res.end (compression), before or after Kadabra\'s: the bytes sent are counted', async () => {
    // What a compression middleware does: the application's body goes through it, and
    // fewer bytes reach Node's HTTP layer and the client.
    const compress: express.RequestHandler = (_req, res, next) => {
      const end = res.end.bind(res) as (chunk?: unknown) => typeof res;
      res.write = (() => {
        throw new Error('not used by this route');
      }) as typeof res.write;
      res.end = ((chunk?: unknown) => {
        const body = typeof chunk === 'string' || Buffer.isBuffer(chunk) ? gzipSync(chunk) : chunk;
        if (Buffer.isBuffer(body)) res.setHeader('Content-Length', body.length);
        return end(body);
      }) as typeof res.end;
      next();
    };
    for (const order of ['compression first', 'Kadabra first'] as const) {
      const client = capturingClient();
      const app = express();
      if (order === 'compression first') app.use(compress, kadabraExpress(client));
      else app.use(kadabraExpress(client), compress);
      app.get('/report', (_req, res) => {
        res.set('Content-Encoding', 'gzip');
        res.type('text/plain').send('row\n'.repeat(500));
      });
      const port = await listen(app);
      const answer = await httpRequest(port, '/report');
      assert.equal(answer.status, 200);
      assert.ok(answer.bodyBytes < 2000, `${order}: the body went through the compression (${answer.bodyBytes} bytes)`);
      await waitFor(() => client.sent.length === 1, 'the message');
      assert.equal(counter(client.sent[0], 'http_response_bytes'), answer.bodyBytes, order);
    }
  });

  test('req.metrics: undefined where nothing is recorded (a skipped path, a client response); an application\'s own assignment stays its own', async () => {
    const client = capturingClient();
    const seen: unknown[] = [];
    const port = await listen(
      kadabraHttp(
        client,
        (req, res) => {
          seen.push(req.metrics instanceof MetricsCollector ? 'collector' : req.metrics);
          if (req.url === '/own') {
            (req as { metrics?: unknown }).metrics = 'mine';
            seen.push(req.metrics);
          }
          res.end('ok');
        },
        { skipPaths: ['/healthz'] },
      ),
    );
    await httpRequest(port, '/healthz');
    await httpRequest(port, '/own');
    await httpRequest(port, '/again');
    assert.deepEqual(seen, [undefined, 'collector', 'mine', 'collector']);
    const clientResponse = await new Promise<IncomingMessage>((resolve, reject) => {
      request({ host: '127.0.0.1', port, path: '/again', agent: false }, resolve).once('error', reject).end();
    });
    clientResponse.resume();
    assert.equal(clientResponse.metrics, undefined);
    await waitFor(() => client.sent.length === 3, 'three messages');
  });

  test('requests and responses that are not Node\'s (Fastify\'s inject, 4 and 5): recorded with their bytes', async () => {
    for (const [name, create] of [['Fastify 5', fastify], ['Fastify 4', fastify4 as unknown as typeof fastify]] as const) {
      const client = capturingClient();
      const app = create();
      await app.register(kadabraFastify, { client });
      app.post('/items/:id', async (request) => {
        request.metrics?.addCount('item_posts', 1);
        return { got: String(request.body).length };
      });
      app.addContentTypeParser('text/plain', { parseAs: 'string' }, (_request, body, done) => done(null, body));
      const answer = await app.inject({ method: 'POST', url: '/items/9', payload: 'twelve bytes', headers: { 'content-type': 'text/plain' } });
      assert.equal(answer.statusCode, 200, name);
      await waitFor(() => client.sent.length === 1, `${name}: the message`);
      assert.deepEqual(dimensions(client.sent[0]), [['method', 'POST'], ['route', '/items/:id'], ['status', '200']], name);
      assert.equal(counter(client.sent[0], 'item_posts'), 1, name);
      assert.equal(counter(client.sent[0], 'http_request_bytes'), 12, name);
      assert.equal(counter(client.sent[0], 'http_response_bytes'), answer.rawPayload.length, name);
      await app.close();
    }
  });

  test('kadabraHttp with a request and response that only look like Node\'s: bytes and req.metrics as for Node\'s', async () => {
    const client = capturingClient();
    const seen: unknown[] = [];
    const handle = kadabraHttp(client, (req, res) => {
      seen.push(req.metrics instanceof MetricsCollector);
      req.resume();
      req.on('end', () => {
        res.write('ab');
        res.end('cde');
      });
    });
    const req = Object.assign(new PassThrough(), { method: 'PUT', url: '/doc', headers: { 'content-length': '4' } });
    const written: string[] = [];
    const res = Object.assign(new PassThrough(), { statusCode: 201, headersSent: true });
    res.on('data', (chunk: Buffer) => written.push(chunk.toString()));
    handle(req as unknown as IncomingMessage, res as unknown as ServerResponse);
    req.end('body');
    await waitFor(() => written.join('') === 'abcde', 'the response');
    res.emit('close');
    await waitFor(() => client.sent.length === 1, 'the message');
    assert.deepEqual(seen, [true]);
    assert.equal(counter(client.sent[0], 'http_request_bytes'), 4);
    assert.equal(counter(client.sent[0], 'http_response_bytes'), 5);
  });

  test('Express without recordErrors: a thrown error counts by its 5xx status; one answered 400 is no error', async () => {
    const client = capturingClient();
    const app = express();
    app.set('env', 'test'); // Express logs every error it answers otherwise
    app.use(kadabraExpress(client));
    app.get('/boom', () => {
      throw new Error('boom');
    });
    app.get('/bad', () => {
      throw Object.assign(new Error('bad'), { status: 400 });
    });
    const port = await listen(app);
    assert.equal((await httpRequest(port, '/boom')).status, 500);
    assert.equal((await httpRequest(port, '/bad')).status, 400);
    await waitFor(() => client.sent.length === 2, 'two messages');
    assert.deepEqual(client.sent[0]?.counters.find((c) => c.name === 'http_errors')?.metadata, { reason: 'status' });
    assert.equal(counter(client.sent[1], 'http_errors'), undefined);
  });

  test('Fastify: options are checked when the plugin registers', async () => {
    const app = fastify();
    await assert.rejects(
      async () => {
        await app.register(kadabraFastify, { client: capturingClient(), dimensions: ['verb' as never] });
        await app.ready();
      },
      (error: unknown) => error instanceof InvalidArgumentError && /kadabra\/fastify: dimensions must be/.test(error.message),
    );
  });
});
