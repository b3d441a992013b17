import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { ConfigurationError } from '../../../../src/errors/configuration-error.js';
import { TransientPublishError } from '../../../../src/errors/publish-error.js';
import { createLogger } from '../../../../src/logging/logger.js';
import { Counter } from '../../../../src/metrics/counter.js';
import { Dimension } from '../../../../src/metrics/dimension.js';
import { Metrics } from '../../../../src/metrics/metrics.js';
import { InfluxDBPublisher } from '../../../../src/publishers/influxdb/influxdb-publisher.js';
import type { InfluxDBPublisherArgs } from '../../../../src/publishers/influxdb/influxdb-publisher-args.js';
import { freePort } from '../../../support/redis-server.js';
import { startFakeInflux, type FakeInflux } from './fake-influx.js';

const T = 1_704_164_645_123_456n;

function message(name: string, count = 1, value = 1): Metrics {
  const counters = Array.from({ length: count }, (_, i) => new Counter(count === 1 ? name : `${name}${i}`, T, {}, value));
  return new Metrics([new Dimension('host', 'web-01')], counters, [], undefined, 'fixed');
}

function capturedLogger(): { logger: ReturnType<typeof createLogger>; lines: string[] } {
  const lines: string[] = [];
  return { logger: createLogger({ level: 'info', destination: { write: (line: string) => lines.push(line) } }), lines };
}

async function rejectsTransiently(promise: Promise<unknown>, pattern: RegExp): Promise<TransientPublishError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof TransientPublishError, `expected TransientPublishError, got ${String(error)}`);
    assert.match(error.message, pattern);
    return error;
  }
  assert.fail('expected the publish to fail');
}

describe('InfluxDBPublisher against a fake InfluxDB', () => {
  let fake: FakeInflux;
  const publishers: InfluxDBPublisher[] = [];

  beforeEach(async () => {
    fake = await startFakeInflux();
  });
  afterEach(async () => {
    await Promise.all(publishers.splice(0).map((p) => p.close()));
    await fake.close();
  });

  function publisher(args: Partial<InfluxDBPublisherArgs> = {}, logger = createLogger({ level: 'silent' })): InfluxDBPublisher {
    const p = new InfluxDBPublisher({ args: { host: '127.0.0.1', port: fake.port, ...args }, logger });
    publishers.push(p);
    return p;
  }

  test('probe(): the write without data, answered with the publisher\'s own classification, never a rejection', async () => {
    const p = publisher({ url: `http://reader:probe-secret-1@127.0.0.1:${fake.port}`, gzip: false });
    assert.deepEqual(await p.probe(), { ok: true });
    assert.equal(fake.requests[0]?.body, '# kadabra write check');
    assert.match(fake.requests[0]?.url ?? '', /^\/write\?db=kadabra/);
    fake.respond = () => ({ status: 401, body: JSON.stringify({ error: 'authorization failed' }) });
    const refused = await p.probe();
    assert.equal(refused.ok, false);
    assert.match(refused.ok ? '' : refused.reason, /^InfluxDB at .*: write refused: authorization failed; fix: /);
    fake.respond = () => ({ status: 503, body: '' });
    const down = await p.probe();
    assert.match(down.ok ? '' : down.reason, /is unavailable/);
    assert.doesNotMatch(JSON.stringify([refused, down]), /probe-secret-1/);
    fake.respond = () => ({ status: 204 });
    assert.deepEqual(await p.probe(), { ok: true });
    await p.close();
    assert.deepEqual(await p.probe(), { ok: false, reason: 'the publisher is closed' });
  });

  test('a batch is one gzip request to /write?db=, on one keep-alive connection', async () => {
    const p = publisher();
    assert.deepEqual(await p.publish([message('a'), message('b')]), { rejected: [] });
    await p.publish([message('c')]);
    assert.equal(fake.requests.length, 2);
    const [first, second] = fake.requests;
    assert.equal(first?.url, '/write?db=kadabra');
    assert.equal(first?.headers['content-encoding'], 'gzip');
    assert.equal(first?.body.split('\n').length, 2);
    assert.match(first?.body ?? '', /^a,host=web-01 value=1 1704164645123456\d{3}\nb,host=web-01 value=1 1704164645123456\d{3}$/);
    assert.equal(first?.remotePort, second?.remotePort, 'the connection is reused');
    assert.equal(first?.headers.authorization, undefined);
  });

  test('gzip: false sends the plain body', async () => {
    await publisher({ gzip: false }).publish([message('a')]);
    assert.equal(fake.requests[0]?.headers['content-encoding'], undefined);
    assert.match(fake.requests[0]?.body ?? '', /^a,host=web-01 value=1 \d+$/);
  });

  test('requests hold about max_lines_per_request lines; a message is never split', async () => {
    const batch = [...Array.from({ length: 12 }, (_, i) => message(`m${i}`)), message('big', 7)];
    await publisher({ max_lines_per_request: 5 }).publish(batch);
    // Two requests are in flight at a time, so they may arrive in either order.
    assert.deepEqual(
      fake.requests.map((r) => r.body.split('\n').length).sort((x, y) => x - y),
      [2, 5, 5, 7],
    );
  });

  test('two write requests in flight at most; after a failure no new one starts and the publish fails', async () => {
    let inFlight = 0;
    let most = 0;
    fake.respond = () => {
      inFlight += 1;
      most = Math.max(most, inFlight);
      return 'hang';
    };
    const batch = Array.from({ length: 10 }, (_, i) => message(`m${i}`));
    const p = publisher({ max_lines_per_request: 2, timeout: 0.5 });
    const publishing = p.publish(batch);
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(fake.requests.length, 2, 'two requests started, the other three wait');
    await rejectsTransiently(publishing, /timeout/);
    assert.equal(most, 2);
    assert.equal(fake.requests.length, 2, 'nothing started after the failures');
  });

  test("bad messages are isolated by splitting and rejected with InfluxDB's text; the rest is written", async () => {
    const reason = 'partial write: field type conflict: input field "value" on measurement "bad" is type float, already exists as type string dropped=1';
    fake.respond = (r) => (/^bad/m.test(r.body) ? { status: 400, body: JSON.stringify({ error: reason }) } : { status: 204 });
    const batch = Array.from({ length: 20 }, (_, i) => message(i === 3 || i === 17 ? 'bad' : `good${i}`));
    const outcome = await publisher().publish(batch);
    assert.deepEqual(outcome.rejected, [
      { index: 3, reason, reasonClass: 'refused' },
      { index: 17, reason, reasonClass: 'refused' },
    ]);
    const written = new Set(fake.requests.filter((r) => !/^bad/m.test(r.body)).flatMap((r) => r.body.split('\n')));
    for (let i = 0; i < 20; i += 1) {
      if (i !== 3 && i !== 17) assert.ok([...written].some((line) => line.startsWith(`good${i},`)), `good${i} written`);
    }
  });

  test('every write refused with an unfamiliar 400 text, even one without data: held (transient), logged at error, nothing rejected', async () => {
    fake.respond = () => ({ status: 400, body: 'Request Header Or Cookie Too Large (some proxy)' });
    const { logger, lines } = capturedLogger();
    const p = publisher({}, logger);
    const batch = Array.from({ length: 10 }, (_, i) => message(`m${i}`));
    const error = await rejectsTransiently(p.publish(batch), /every write is refused, even one without data: Request Header Or Cookie Too Large/);
    assert.match(error.message, /fix: .*url \(http or https\)/);
    const errors = lines.map((l) => JSON.parse(l) as { level: number; msg: string }).filter((l) => l.level === 50);
    assert.equal(errors.length, 1);
    assert.match(errors[0]?.msg ?? '', /Request Header Or Cookie Too Large/);
    assert.ok(fake.requests.length <= 3, `no split into many requests: ${fake.requests.length}`);
    fake.respond = () => ({ status: 204 });
    assert.deepEqual(await p.publish(batch), { rejected: [] }, 'written once the setup is fixed');
  });

  test('http to an https server: the setup is wrong, the fix names https', async () => {
    fake.respond = () => ({ status: 400, body: 'Client sent an HTTP request to an HTTPS server.\n' });
    await rejectsTransiently(publisher().publish([message('a'), message('b')]), /use an https:\/\/ url \(or ssl: true\)/);
  });

  test('a batch refused whole while InfluxDB takes a write without data is held, not rejected; refused alone again after other writes succeeded, it is rejected', async () => {
    const reason = 'partial write: max-series-per-database limit exceeded: (5) dropped=1';
    fake.respond = (r) => (/^tenant_a/m.test(r.body) ? { status: 400, body: JSON.stringify({ error: reason }) } : { status: 204 });
    const { logger, lines } = capturedLogger();
    const p = publisher({}, logger);
    const lone = [message('tenant_a_x'), message('tenant_a_y')];
    assert.deepEqual(await p.publish(lone), { rejected: [], held: [{ index: 0, reason }, { index: 1, reason }] });
    assert.ok(fake.requests.some((r) => r.body.startsWith('#')), 'a write without data was made');
    const errors = lines.map((l) => JSON.parse(l) as { level: number; msg: string }).filter((l) => l.level === 50);
    assert.match(errors[0]?.msg ?? '', /refuses 2 message\(s\) and wrote nothing else of their batch: partial write: max-series-per-database/);
    // Nothing else was written in between: still held.
    assert.deepEqual((await p.publish(lone)).held?.length, 2);
    assert.deepEqual(await p.publish([message('tenant_b')]), { rejected: [] });
    const again = await p.publish(lone);
    assert.equal(again.held, undefined);
    assert.deepEqual(again.rejected.map((r) => r.index), [0, 1]);
    assert.match(again.rejected[0]?.reason ?? '', /max-series-per-database limit exceeded/);
  });

  test('a message refused alone while the rest of its batch is written is rejected at once with the reason', async () => {
    const reason = 'partial write: max-series-per-database limit exceeded: (5) dropped=1';
    fake.respond = (r) => (/^tenant_a/m.test(r.body) ? { status: 400, body: JSON.stringify({ error: reason }) } : { status: 204 });
    const batch = Array.from({ length: 8 }, (_, i) => message(i % 4 === 1 ? `tenant_a${i}` : `tenant_b${i}`));
    const outcome = await publisher().publish(batch);
    assert.deepEqual(outcome, { rejected: [{ index: 1, reason, reasonClass: 'refused' }, { index: 5, reason, reasonClass: 'refused' }] });
  });

  test('413 splits the request until it fits; a single line too large is rejected', async () => {
    fake.respond = (r) => (r.body.split('\n').length > 3 ? { status: 413, body: '{"error":"request entity too large"}' } : { status: 204 });
    const p = publisher();
    assert.deepEqual(await p.publish([message('a', 5), message('b', 2), message('c')]), { rejected: [] });
    const accepted = fake.requests.filter((r) => r.body.split('\n').length <= 3).flatMap((r) => r.body.split('\n'));
    assert.equal(accepted.length, 8);
    fake.respond = () => ({ status: 413, body: '{"error":"request entity too large"}' });
    const outcome = await p.publish([message('d')]);
    assert.equal(outcome.rejected[0]?.index, 0);
    assert.match(outcome.rejected[0]?.reason ?? '', /too large/);
  });

  test('429 and 5xx are transient, with Retry-After', async () => {
    const p = publisher();
    fake.respond = () => ({ status: 429, body: 'slow down', headers: { 'Retry-After': '2' } });
    const throttled = await rejectsTransiently(p.publish([message('a')]), /429/);
    assert.equal(throttled.retryAfterMs, 2000);
    fake.respond = () => ({ status: 503, body: '{"error":"overloaded"}' });
    const down = await rejectsTransiently(p.publish([message('a')]), /503: overloaded/);
    assert.equal(down.retryAfterMs, undefined);
  });

  test('no answer within timeout is transient', async () => {
    fake.respond = () => 'hang';
    const started = Date.now();
    await rejectsTransiently(publisher({ timeout: 0.3 }).publish([message('a')]), /did not answer within 0.3 s/);
    assert.ok(Date.now() - started < 3000);
  });

  test('nothing listening is transient', async () => {
    const port = await freePort();
    const p = new InfluxDBPublisher({ args: { host: '127.0.0.1', port }, logger: createLogger({ level: 'silent' }) });
    publishers.push(p);
    await rejectsTransiently(p.publish([message('a')]), /cannot reach InfluxDB: .*ECONNREFUSED/);
  });

  test('a missing database is transient, logged at error with the fix, once a minute', async () => {
    fake.respond = () => ({ status: 404, body: '{"error":"database not found: \\"kadabra\\""}' });
    const { logger, lines } = capturedLogger();
    const p = publisher({}, logger);
    await rejectsTransiently(p.publish([message('a')]), /CREATE DATABASE "kadabra"/);
    await rejectsTransiently(p.publish([message('a')]), /database not found/);
    const errors = lines.map((l) => JSON.parse(l) as { level: number; msg: string }).filter((l) => l.level === 50);
    assert.equal(errors.length, 1);
    assert.match(errors[0]?.msg ?? '', /fix: create the database: CREATE DATABASE "kadabra"/);
  });

  test('create_database creates it before the first write, and again if it vanishes', async () => {
    let exists = false;
    fake.respond = (r) => {
      if (r.url === '/query') {
        exists = true;
        return { status: 200, body: '{"results":[{"statement_id":0}]}' };
      }
      return exists ? { status: 204 } : { status: 404, body: '{"error":"database not found: \\"metrics db\\""}' };
    };
    const p = publisher({ create_database: true, database: 'metrics db' });
    await p.publish([message('a')]);
    assert.equal(fake.requests[0]?.url, '/query');
    assert.equal(new URLSearchParams(fake.requests[0]?.body).get('q'), 'CREATE DATABASE "metrics db"');
    assert.equal(fake.requests[1]?.url, '/write?db=metrics+db');
    exists = false;
    await p.publish([message('b')]);
    assert.deepEqual(
      fake.requests.slice(2).map((r) => r.url),
      ['/write?db=metrics+db', '/query', '/write?db=metrics+db'],
    );
  });

  test('credentials go in headers, never in logs', async () => {
    const { logger, lines } = capturedLogger();
    fake.respond = () => ({ status: 401, body: '{"error":"authorization failed"}' });
    const p = publisher({ username: 'writer', password: 's3cret-pw', retention_policy: 'week' }, logger);
    await rejectsTransiently(p.publish([message('a')]), /check username\/password or token/);
    assert.equal(fake.requests[0]?.url, '/write?db=kadabra&rp=week');
    assert.equal(fake.requests[0]?.headers.authorization, `Basic ${Buffer.from('writer:s3cret-pw').toString('base64')}`);
    const t = publisher({ token: 'tok-123', url: 'http://user:pw@127.0.0.1:' + fake.port }, logger);
    await rejectsTransiently(t.publish([message('a')]), /401|authorization/);
    assert.equal(fake.requests[1]?.headers.authorization, 'Token tok-123');
    const fromUrl = publisher({ url: `http://us%40er:p%3Aw@127.0.0.1:${fake.port}` }, logger);
    await rejectsTransiently(fromUrl.publish([message('a')]), /401|authorization/);
    assert.equal(fake.requests[2]?.headers.authorization, `Basic ${Buffer.from('us@er:p:w').toString('base64')}`);
    const logged = lines.join('\n');
    assert.ok(lines.length > 0);
    for (const secret of ['s3cret-pw', 'tok-123', 'user:pw', 'p%3Aw', 'p:w']) assert.ok(!logged.includes(secret), `${secret} not logged`);
  });

  test('api v2 writes to /api/v2/write with org, bucket and ns precision; url may carry a prefix', async () => {
    await publisher({ api: 'v2', org: 'acme', bucket: 'metrics', token: 't' }).publish([message('a')]);
    assert.equal(fake.requests[0]?.url, '/api/v2/write?org=acme&bucket=metrics&precision=ns');
    await publisher({ api: 'v2', retention_policy: 'autogen' }).publish([message('a')]);
    assert.equal(fake.requests[1]?.url, '/api/v2/write?bucket=kadabra%2Fautogen&precision=ns');
    await publisher({ url: `http://127.0.0.1:${fake.port}/influx/` }).publish([message('a')]);
    assert.equal(fake.requests[2]?.url, '/influx/write?db=kadabra');
  });

  test('a non-finite value is rejected without a request; empty messages need none', async () => {
    const nan = new Metrics([], [new Counter('broken', T, {}, Number.NaN)], []);
    const outcome = await publisher().publish([message('a'), nan, new Metrics([], [], [])]);
    assert.deepEqual(outcome.rejected, [
      { index: 1, reason: 'counter "broken" has the value NaN, which InfluxDB cannot store', reasonClass: 'invalid' },
    ]);
    assert.equal(fake.requests.length, 1);
    assert.equal(fake.requests[0]?.body.split('\n').length, 1);
  });

  test('identical messages (a re-send, a republish) map to the same point, in one batch or across batches', async () => {
    const p = publisher({ gzip: false });
    await p.publish([message('same'), message('same'), message('same')]);
    await p.publish([message('same')]);
    const [batch, alone] = fake.requests.map((r) => r.body.split('\n'));
    assert.equal(batch?.length, 3);
    assert.equal(new Set(batch).size, 1, 'one point, written three times');
    assert.deepEqual(alone, batch?.slice(0, 1));
  });

  test('bad arguments fail at construction naming the argument; close is idempotent', async () => {
    assert.throws(() => new InfluxDBPublisher({ args: { api: 'v3' as 'v1' } }), (e: unknown) => e instanceof ConfigurationError && /AGENT_PUBLISHER_ARGS\.api/.test(e.message));
    assert.throws(() => new InfluxDBPublisher({ args: { url: 'ftp://x' } }), /AGENT_PUBLISHER_ARGS\.url/);
    const p = publisher();
    await Promise.all([p.close(), p.close()]);
    await assert.rejects(p.publish([message('a')]), /after close/);
    assert.equal(InfluxDBPublisher.DEFAULT_ARGS.database, 'kadabra');
  });
});
