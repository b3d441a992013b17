import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { Redis } from 'ioredis';
import { Kadabra } from '../../../src/client/kadabra.js';
import { ConfigurationError } from '../../../src/errors/configuration-error.js';
import { InvalidArgumentError } from '../../../src/errors/invalid-argument-error.js';
import { createLogger } from '../../../src/logging/logger.js';
import { Counter } from '../../../src/metrics/counter.js';
import { Dimension } from '../../../src/metrics/dimension.js';
import { DEFAULT_TIMESTAMP_FORMAT, Metrics } from '../../../src/metrics/metrics.js';
import { decodeMetrics, encodeMetrics } from '../../../src/wire/codec.js';
import { freePort, startRedisServer, uniqueKeys, type RedisServerHandle } from '../../support/redis-server.js';
import { cli } from '../../unit/cli/cli-harness.js';
import type { SendStats } from '../../../src/client/send-stats.js';

function counts(stats: SendStats): { delivered: number; dropped: number; buffered: number } {
  return { delivered: stats.delivered, dropped: stats.dropped, buffered: stats.buffered };
}

/** A pino logger whose lines are kept for assertions. */
function capturingLogger(): { logger: ReturnType<typeof createLogger>; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      for (const line of chunk.toString().split('\n')) if (line) lines.push(JSON.parse(line) as Record<string, unknown>);
      callback();
    },
  });
  return { logger: createLogger({ level: 'info', destination }), lines };
}

function sendNumbered(client: Kadabra, from: number, to: number): void {
  for (let i = from; i < to; i += 1) {
    const metrics = client.metrics();
    metrics.setDimension('seq', String(i));
    metrics.addCount('sent', i);
    client.send(metrics.close());
  }
}

async function queuedSequence(redis: Redis, queue: string): Promise<number[]> {
  // The agent side pops from the tail: oldest first.
  const raws = (await redis.lrangeBuffer(queue, 0, -1)).reverse();
  return raws.map((raw) => Number(decodeMetrics(raw).dimensions.find((d) => d.name === 'seq')?.value));
}

describe('Kadabra client against a real redis-server', () => {
  let server: RedisServerHandle;
  let redis: Redis;

  before(async () => {
    server = await startRedisServer({ appendOnly: true });
    redis = new Redis(server.port, '127.0.0.1', { lazyConnect: true });
    redis.on('error', () => undefined); // the server is stopped on purpose
  });
  after(async () => {
    redis.disconnect();
    await server.dispose();
  });

  test('sends collectors in order; close() reports them delivered', async () => {
    const keys = uniqueKeys('client');
    const client = new Kadabra({
      CLIENT_CHANNEL_ARGS: { port: server.port, host: '127.0.0.1', ...keys },
      CLIENT_DEFAULT_DIMENSIONS: { env: 'test' },
      CLIENT_LOG_LEVEL: 'silent',
    });
    sendNumbered(client, 0, 50);
    const stats = await client.close();
    assert.deepEqual(counts(stats), { delivered: 50, dropped: 0, buffered: 0 });
    await redis.connect().catch(() => undefined);
    assert.deepEqual(await queuedSequence(redis, keys.queue_key), Array.from({ length: 50 }, (_, i) => i));
    const first = decodeMetrics((await redis.lindexBuffer(keys.queue_key, -1)) as Buffer);
    assert.deepEqual(first.dimensions.map((d) => [d.name, d.value]), [['env', 'test'], ['seq', '0']]);
    assert.equal(first.counters[0]?.value, 0);
    assert.equal(await client.close(), stats, 'close() is idempotent');
  });

  test('send() while close() is flushing is buffered and delivered; after close() it is counted as dropped, never thrown', async () => {
    const keys = uniqueKeys('closing');
    const { logger, lines } = capturingLogger();
    const client = new Kadabra(
      { CLIENT_CHANNEL_ARGS: { port: server.port, host: '127.0.0.1', ...keys }, CLIENT_OVERFLOW_LOG_INTERVAL_SECONDS: 0.05 },
      { logger },
    );
    sendNumbered(client, 0, 10);
    const closing = client.close();
    sendNumbered(client, 10, 15); // a request finishing during a graceful shutdown
    await new Promise((resolve) => setImmediate(resolve));
    sendNumbered(client, 15, 20);
    const stats = await closing;
    assert.deepEqual(counts(stats), { delivered: 20, dropped: 0, buffered: 0 });
    await redis.connect().catch(() => undefined);
    assert.deepEqual(await queuedSequence(redis, keys.queue_key), Array.from({ length: 20 }, (_, i) => i));
    sendNumbered(client, 20, 23);
    const after = client.stats();
    assert.equal(after.dropped, 3);
    assert.deepEqual(after.droppedBy, { bufferFull: 0, tooLarge: 0, afterClose: 3 });
    assert.equal(await client.close(), stats, 'close() still resolves with what it reported');
    assert.equal((await redis.llen(keys.queue_key)), 20, 'nothing was sent after close()');
    await new Promise((resolve) => setTimeout(resolve, 200));
    const warnings = lines.filter((l) => typeof l.msg === 'string' && l.msg.includes('after close()'));
    assert.equal(warnings.reduce((sum, w) => sum + Number(w.dropped), 0), 3, 'the drops are logged');
  });

  test('a message over CLIENT_MESSAGE_MAX_BYTES is dropped with the reason, counted and logged, never thrown', async () => {
    const keys = uniqueKeys('too-large');
    const { logger, lines } = capturingLogger();
    const client = new Kadabra(
      { CLIENT_CHANNEL_ARGS: { port: server.port, host: '127.0.0.1', ...keys }, CLIENT_MESSAGE_MAX_BYTES: 1000 },
      { logger },
    );
    const big = client.metrics();
    big.addCount('big', 1, { metadata: { note: 'x'.repeat(2000) } });
    client.send(big.close());
    sendNumbered(client, 0, 3);
    const stats = await client.close();
    assert.equal(stats.delivered, 3);
    assert.deepEqual(stats.droppedBy, { bufferFull: 0, tooLarge: 1, afterClose: 0 });
    assert.equal(stats.dropped, 1);
    await redis.connect().catch(() => undefined);
    assert.equal(await redis.llen(keys.queue_key), 3);
    const warning = lines.find((l) => typeof l.msg === 'string' && l.msg.includes('CLIENT_MESSAGE_MAX_BYTES'));
    assert.ok(warning, 'the drop is logged with what to change');
    assert.equal(warning.maxMessageBytes, 1000);
    assert.ok(Number(warning.bytes) > 2000);
  });

  test('the buffer is bounded by bytes: overflow drops the oldest, counted like overflow by count', async () => {
    const port = await freePort(); // nothing listens there
    const { logger, lines } = capturingLogger();
    const message = (i: number): Metrics => {
      const metrics = new Metrics([new Dimension('seq', String(i))], [new Counter('c', 1_704_164_645_123_456n, { pad: 'p'.repeat(900) }, 1)], [], DEFAULT_TIMESTAMP_FORMAT, 's');
      return metrics;
    };
    const size = encodeMetrics(message(10)).length;
    const client = new Kadabra(
      {
        CLIENT_CHANNEL_ARGS: { port, host: '127.0.0.1', ...uniqueKeys('bytes-bound') },
        CLIENT_BUFFER_MAX_BYTES: size * 10 + 5,
        CLIENT_FLUSH_TIMEOUT_SECONDS: 0.3,
      },
      { logger },
    );
    for (let i = 10; i < 60; i += 1) client.send(message(i));
    const during = client.stats();
    assert.equal(during.buffered, 10);
    assert.ok(during.bufferedBytes <= size * 10 + 5, `bufferedBytes ${during.bufferedBytes}`);
    const stats = await client.close();
    assert.deepEqual(stats.droppedBy, { bufferFull: 40, tooLarge: 0, afterClose: 0 });
    assert.equal(stats.dropped, 40);
    const warnings = lines.filter((l) => typeof l.msg === 'string' && l.msg.includes('buffer full'));
    assert.equal(warnings.reduce((sum, w) => sum + Number(w.dropped), 0), 40, 'every drop is counted in the log');
  });

  test('more than 1,000 metrics of one series with one Date: the extra ones are counted in stats() and logged', async () => {
    const keys = uniqueKeys('shared');
    const { logger, lines } = capturingLogger();
    const client = new Kadabra({ CLIENT_CHANNEL_ARGS: { port: server.port, host: '127.0.0.1', ...keys } }, { logger });
    const sameDate = new Date(Date.UTC(2033, 0, 1) + Math.floor(Math.random() * 1e8));
    for (let i = 0; i < 1003; i += 1) {
      const metrics = client.metrics();
      metrics.addCount('records_processed', i, { timestamp: sameDate });
      client.send(metrics.close());
    }
    assert.equal(client.stats().timestampsShared, 3);
    const stats = await client.close();
    assert.equal(stats.delivered, 1003);
    assert.equal(stats.timestampsShared, 3);
    const warnings = lines.filter((l) => typeof l.msg === 'string' && l.msg.includes('same Date'));
    assert.equal(warnings.reduce((sum, w) => sum + Number(w.timestampsShared), 0), 3, 'every shared one is counted in the log');
  });

  test('CLIENT_TIMESTAMP_FORMAT that cannot be used fails at construction, naming the key', () => {
    for (const format of ['%f'.repeat(13), '%Y' + '-'.repeat(200)]) {
      assert.throws(
        () => new Kadabra({ CLIENT_TIMESTAMP_FORMAT: format, CLIENT_LOG_LEVEL: 'silent' }),
        (error: unknown) => error instanceof ConfigurationError && error.key === 'CLIENT_TIMESTAMP_FORMAT',
      );
    }
  });

  test('what reaches Redis is byte for byte encodeMetrics of each message sent, across many slabs', async () => {
    const keys = uniqueKeys('bytes');
    const client = new Kadabra({
      CLIENT_CHANNEL_ARGS: { port: server.port, host: '127.0.0.1', ...keys },
      CLIENT_LOG_LEVEL: 'silent',
    });
    const sent: Metrics[] = [];
    for (let i = 0; i < 3000; i += 1) {
      const counters = [new Counter(`n\u00e9 "${i}"`, 1_704_164_645_123_456n + BigInt(i), i % 3 === 0 ? { k: 'v'.repeat(i % 50) } : {}, i / 7)];
      const metrics = new Metrics([new Dimension('seq', String(i))], counters, [], DEFAULT_TIMESTAMP_FORMAT, `stamp ${i}`);
      sent.push(metrics);
      client.send(metrics);
    }
    const stats = await client.close();
    assert.deepEqual(counts(stats), { delivered: 3000, dropped: 0, buffered: 0 });
    await redis.connect().catch(() => undefined);
    const queued = (await redis.lrangeBuffer(keys.queue_key, 0, -1)).reverse();
    assert.deepEqual(
      queued.map((raw) => raw.toString('latin1')),
      sent.map((metrics) => encodeMetrics(metrics)),
    );
  });

  test('redis-server restarted while 1,000 messages are sent: all 1,000 reach the queue, in order', async () => {
    const keys = uniqueKeys('restart');
    const client = new Kadabra({
      CLIENT_CHANNEL_ARGS: { port: server.port, host: '127.0.0.1', ...keys },
      CLIENT_LOG_LEVEL: 'silent',
      CLIENT_FLUSH_TIMEOUT_SECONDS: 20,
    });
    sendNumbered(client, 0, 300);
    await client.flush();
    await server.stop();
    sendNumbered(client, 300, 700); // Redis is down: send() must neither throw nor wait.
    const deadline = Date.now() + 10_000;
    while (client.stats().lastError === undefined && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    const during = client.stats();
    assert.ok(during.buffered >= 400, `buffered while down: ${during.buffered}`);
    assert.ok(during.lastError, 'the failure is visible in stats()');
    await server.restart();
    sendNumbered(client, 700, 1000);
    const stats = await client.close();
    assert.equal(stats.buffered, 0);
    assert.equal(stats.dropped, 0);
    await redis.connect().catch(() => undefined);
    const sequence = await queuedSequence(redis, keys.queue_key);
    assert.deepEqual([...new Set(sequence)].sort((a, b) => a - b), Array.from({ length: 1000 }, (_, i) => i));
    // A batch in flight when the server went down may be re-sent: order holds, duplicates are whole batches.
    assert.equal(stats.delivered, sequence.length);
    assert.deepEqual([...new Set(sequence)], Array.from({ length: 1000 }, (_, i) => i), 'first arrivals in send order');
  });

  test('buffer overflow drops the oldest, counts them and says so in the log', async () => {
    const port = await freePort(); // nothing listens there
    const { logger, lines } = capturingLogger();
    const client = new Kadabra(
      {
        CLIENT_CHANNEL_ARGS: { port, host: '127.0.0.1', ...uniqueKeys('overflow') },
        CLIENT_BUFFER_MAX_MESSAGES: 100,
        CLIENT_FLUSH_TIMEOUT_SECONDS: 0.3,
      },
      { logger },
    );
    sendNumbered(client, 0, 250);
    const stats = await client.close();
    assert.equal(stats.dropped, 150);
    assert.equal(stats.buffered, 100);
    assert.equal(stats.delivered, 0);
    const warnings = lines.filter((l) => typeof l.msg === 'string' && l.msg.includes('buffer full'));
    assert.ok(warnings.length >= 1, 'overflow reported');
    assert.equal(warnings.reduce((sum, w) => sum + Number(w.dropped), 0), 150, 'every drop is counted in the log');
  });

  test('misuse fails at the call with a clear error', () => {
    const client = new Kadabra({ CLIENT_LOG_LEVEL: 'silent', CLIENT_CHANNEL_ARGS: { port: 1 } });
    assert.throws(
      () => client.send({ counters: [] } as never),
      (error: Error) => error instanceof InvalidArgumentError && /Metrics/.test(error.message),
    );
    void client.close();
  });
});

describe('Kadabra client with a redis-server that stops answering (SIGSTOP)', () => {
  let server: RedisServerHandle;

  before(async () => {
    server = await startRedisServer();
  });
  after(async () => {
    server.resume();
    await server.dispose();
  });

  test('close() resolves while the server is frozen, reporting what it could not deliver', { timeout: 30_000 }, async (t) => {
    const client = new Kadabra({
      CLIENT_CHANNEL_ARGS: { port: server.port, host: '127.0.0.1', ...uniqueKeys('frozen') },
      CLIENT_FLUSH_TIMEOUT_SECONDS: 2,
      CLIENT_LOG_LEVEL: 'silent',
    });
    sendNumbered(client, 0, 5);
    assert.equal((await client.flush()).delivered, 5, 'connected before the freeze');
    server.pause();
    try {
      sendNumbered(client, 5, 25);
      const started = Date.now();
      const stats = await client.close();
      t.diagnostic(`close() took ${Date.now() - started} ms with CLIENT_FLUSH_TIMEOUT_SECONDS 2 and the server frozen`);
      assert.equal(stats.delivered, 5);
      assert.equal(stats.buffered, 20, 'the messages not acknowledged are reported');
    } finally {
      server.resume();
    }
  });

  test('kadabra send exits with the reason while the server is frozen', { timeout: 30_000 }, async () => {
    server.pause();
    try {
      const env = {
        KADABRA_CLIENT_CHANNEL_ARGS: JSON.stringify({ port: server.port, host: '127.0.0.1', ...uniqueKeys('cli-frozen') }),
        KADABRA_CLIENT_FLUSH_TIMEOUT_SECONDS: '1',
      };
      const result = await cli(['send', 'count', 'signups', '1'], env);
      assert.equal(result.code, 1);
      assert.match(result.stderr, /not delivered: .*1 s \(CLIENT_FLUSH_TIMEOUT_SECONDS\)/);
    } finally {
      server.resume();
    }
  });
});
