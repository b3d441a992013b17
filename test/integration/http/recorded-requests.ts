import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Redis } from 'ioredis';
import { Kadabra } from '../../../src/client/kadabra.js';
import type { Metrics } from '../../../src/metrics/metrics.js';
import { Units } from '../../../src/metrics/unit.js';
import { decodeMetrics } from '../../../src/wire/codec.js';
import { abortedRequest, httpRequest } from '../../support/http-client.js';
import { startRedisServer, uniqueKeys, type RedisServerHandle } from '../../support/redis-server.js';
import { waitFor } from '../../support/wait-for.js';
import { askPython, b64 } from '../../unit/wire/python-oracle.js';
import { FOREVER_CHUNK, ScenarioSignals, STREAM_CHUNKS, type AppUnderTest } from './http-scenario-app.js';

/** Starts the scenario application (http-scenario-app.ts) instrumented with `client`. */
export type StartApp = (client: Kadabra, signals: ScenarioSignals) => Promise<AppUnderTest>;

/** A message as plain data, everything but times. */
interface Recorded {
  readonly dimensions: [string, string][];
  readonly counters: [string, number, Record<string, string>][];
  readonly timers: [string, string][];
}

function recorded(metrics: Metrics): Recorded {
  return {
    dimensions: metrics.dimensions.map((d) => [d.name, d.value]),
    counters: metrics.counters.map((c) => [c.name, c.value, { ...c.metadata }]),
    timers: metrics.timers.map((t) => [t.name, t.unit.name]),
  };
}

function durationMs(metrics: Metrics): number {
  const timer = metrics.timers.find((t) => t.name === 'http_request_duration');
  assert.ok(timer, 'the duration timer is there');
  assert.equal(timer.unit, Units.MILLISECONDS);
  return timer.value;
}

interface Expected {
  method: string;
  route: string;
  status: string;
  requestBytes: number;
  responseBytes: number;
  error?: 'thrown' | 'aborted' | 'status';
  extraDimensions?: [string, string][];
  ownCounters?: [string, number, Record<string, string>][];
}

function expected(e: Expected): Recorded {
  return {
    dimensions: [['service', 'scenario'], ['method', e.method], ['route', e.route], ['status', e.status], ...(e.extraDimensions ?? [])],
    counters: [
      ...(e.ownCounters ?? []),
      ['http_requests', 1, {}],
      ...(e.error === undefined ? [] : [['http_errors', 1, { reason: e.error }] as [string, number, Record<string, string>]]),
      ['http_request_bytes', e.requestBytes, {}],
      ['http_response_bytes', e.responseBytes, {}],
    ],
    timers: [['http_request_duration', 'milliseconds']],
  };
}

/**
 * The scenarios, against a real server of the framework and a real redis-server: each
 * request's message is read back from the list and compared exactly with the request.
 */
export function describeRecordedRequests(name: string, startApp: StartApp): void {
  describe(`${name}: each request is one message on the channel, as requested`, () => {
    let redisServer: RedisServerHandle;
    let redis: Redis;
    let client: Kadabra;
    let app: AppUnderTest;
    const keys = uniqueKeys(`http-${name.replace(/\W+/g, '-')}`);
    const signals = new ScenarioSignals();
    const raws: Buffer[] = [];

    /** Waits for the request's message and returns it (requests are made one at a time). */
    async function nextMessage(): Promise<Metrics> {
      await waitFor(async () => (await redis.llen(keys.queue_key)) > raws.length, `message ${raws.length + 1} of ${name}`);
      const raw = (await redis.lindexBuffer(keys.queue_key, 0)) as Buffer;
      raws.push(raw);
      return decodeMetrics(raw);
    }

    before(async () => {
      redisServer = await startRedisServer();
      redis = new Redis(redisServer.port, '127.0.0.1');
      client = new Kadabra({
        CLIENT_CHANNEL_ARGS: { host: '127.0.0.1', port: redisServer.port, ...keys },
        CLIENT_DEFAULT_DIMENSIONS: { service: 'scenario' },
        CLIENT_LOG_LEVEL: 'silent',
      });
      app = await startApp(client, signals);
    });
    after(async () => {
      await app?.close();
      await client?.close();
      redis?.disconnect();
      await redisServer?.dispose();
    });

    test('GET of a route with a parameter: its template, the handler\'s own counter and dimension', async () => {
      const answer = await httpRequest(app.port, '/users/42?expand=1');
      assert.equal(answer.status, 200);
      const message = await nextMessage();
      assert.deepEqual(
        recorded(message),
        expected({
          method: 'GET',
          route: '/users/:id',
          status: '200',
          requestBytes: 0,
          responseBytes: answer.bodyBytes,
          extraDimensions: [['tenant', 'acme']],
          ownCounters: [['user_lookups', 1, {}]],
        }),
      );
      const duration = durationMs(message);
      assert.ok(duration > 0 && duration <= answer.elapsedMs, `duration ${duration} ms within the client's ${answer.elapsedMs} ms`);
    });

    test('HEAD: the same route, no body bytes', async () => {
      const answer = await httpRequest(app.port, '/users/7', { method: 'HEAD' });
      assert.equal(answer.status, 200);
      assert.equal(answer.bodyBytes, 0);
      assert.deepEqual(
        recorded(await nextMessage()),
        expected({
          method: 'HEAD',
          route: '/users/:id',
          status: '200',
          requestBytes: 0,
          responseBytes: 0,
          extraDimensions: [['tenant', 'acme']],
          ownCounters: [['user_lookups', 1, {}]],
        }),
      );
    });

    test('POST with a body: request bytes counted, with Content-Length and chunked', async () => {
      const body = 'b'.repeat(5000);
      const sized = await httpRequest(app.port, '/echo', { method: 'POST', body, headers: { 'content-type': 'text/plain' } });
      assert.equal(sized.body, 'received 5000');
      assert.deepEqual(
        recorded(await nextMessage()),
        expected({ method: 'POST', route: '/echo', status: '200', requestBytes: 5000, responseBytes: sized.bodyBytes }),
      );
      const pieces = ['é'.repeat(100), 'x'.repeat(3000), 'y'];
      const chunked = await httpRequest(app.port, '/echo', {
        method: 'POST',
        chunked: pieces,
        headers: { 'content-type': 'text/plain; charset=utf-8' },
      });
      assert.equal(chunked.body, 'received 3201');
      assert.deepEqual(
        recorded(await nextMessage()),
        expected({ method: 'POST', route: '/echo', status: '200', requestBytes: 3201, responseBytes: chunked.bodyBytes }),
      );
    });

    test('a streamed response: every chunk counted, the duration covers the whole stream', async () => {
      const answer = await httpRequest(app.port, '/stream');
      const total = STREAM_CHUNKS.reduce((a, b) => a + b, 0);
      assert.equal(answer.bodyBytes, total);
      const message = await nextMessage();
      assert.deepEqual(
        recorded(message),
        expected({ method: 'GET', route: '/stream', status: '200', requestBytes: 0, responseBytes: total }),
      );
      const duration = durationMs(message);
      assert.ok(duration >= signals.streamHandlerMs, `duration ${duration} ms covers the handler's ${signals.streamHandlerMs} ms`);
      assert.ok(duration <= answer.elapsedMs, `duration ${duration} ms within the client's ${answer.elapsedMs} ms`);
    });

    test('a route that is not there: 404 under the fixed unmatched route, never the raw path', async () => {
      const answer = await httpRequest(app.port, '/no/such/path/123?x=1');
      assert.equal(answer.status, 404);
      assert.deepEqual(
        recorded(await nextMessage()),
        expected({ method: 'GET', route: 'unmatched', status: '404', requestBytes: 0, responseBytes: answer.bodyBytes }),
      );
    });

    test('a handler that throws: 500, counted as an error with reason thrown', async () => {
      const answer = await httpRequest(app.port, '/boom');
      assert.equal(answer.status, 500);
      assert.deepEqual(
        recorded(await nextMessage()),
        expected({
          method: 'GET',
          route: '/boom',
          status: '500',
          requestBytes: 0,
          responseBytes: answer.bodyBytes,
          error: 'thrown',
        }),
      );
    });

    test('a thrown error answered 400: an error, reason thrown', async () => {
      const answer = await httpRequest(app.port, '/bad-input');
      assert.equal(answer.status, 400);
      assert.deepEqual(
        recorded(await nextMessage()),
        expected({
          method: 'GET',
          route: '/bad-input',
          status: '400',
          requestBytes: 0,
          responseBytes: answer.bodyBytes,
          error: 'thrown',
        }),
      );
    });

    test('a client that goes away before the answer: sent once, status 499, reason aborted', async () => {
      signals.reset();
      const received = await abortedRequest(app.port, '/slow', signals.started.promise);
      assert.equal(received, 0);
      const message = await nextMessage();
      signals.release.resolve(); // the handler now answers a gone client: nothing more is sent
      assert.deepEqual(
        recorded(message),
        expected({ method: 'GET', route: '/slow', status: '499', requestBytes: 0, responseBytes: 0, error: 'aborted' }),
      );
    });

    test('a client that goes away mid-stream: the status sent, the bytes written, reason aborted', async () => {
      signals.reset();
      const received = await abortedRequest(app.port, '/stream-forever', signals.started.promise, true);
      assert.ok(received > 0 && received <= FOREVER_CHUNK);
      assert.deepEqual(
        recorded(await nextMessage()),
        expected({
          method: 'GET',
          route: '/stream-forever',
          status: '200',
          requestBytes: 0,
          responseBytes: FOREVER_CHUNK,
          error: 'aborted',
        }),
      );
    });

    test('skipped paths are not recorded; every message passes Python Kadabra 0.5.0\'s re-encoding', async () => {
      assert.equal((await httpRequest(app.port, '/healthz')).status, 200);
      assert.equal((await httpRequest(app.port, '/internal/ready?probe=1')).status, 200);
      // A recorded request after them: its message is the next one, so nothing came from the skipped two.
      await httpRequest(app.port, '/users/1');
      const message = await nextMessage();
      assert.deepEqual(message.dimensions.find((d) => d.name === 'route')?.value, '/users/:id');
      await app.close();
      await client.flush();
      assert.equal(await redis.llen(keys.queue_key), raws.length, 'one message per recorded request, no more');
      const answers = askPython(raws.map((raw) => ({ kind: 'message', args: [b64(raw.toString('utf8'))] })));
      assert.deepEqual(answers, raws.map(() => 'ok'));
    });
  });
}
