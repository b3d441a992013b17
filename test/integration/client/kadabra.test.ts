import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { Redis } from 'ioredis';
import { Kadabra } from '../../../src/client/kadabra.js';
import { ClientClosedError } from '../../../src/errors/client-closed-error.js';
import { InvalidArgumentError } from '../../../src/errors/invalid-argument-error.js';
import { createLogger } from '../../../src/logging/logger.js';
import { Counter } from '../../../src/metrics/counter.js';
import { Dimension } from '../../../src/metrics/dimension.js';
import { DEFAULT_TIMESTAMP_FORMAT, Metrics } from '../../../src/metrics/metrics.js';
import { decodeMetrics, encodeMetrics } from '../../../src/metrics/wire-codec.js';
import { freePort, startRedisServer, uniqueKeys, type RedisServerHandle } from '../../support/redis-server.js';

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
    assert.deepEqual({ ...stats }, { delivered: 50, dropped: 0, buffered: 0 });
    await redis.connect().catch(() => undefined);
    assert.deepEqual(await queuedSequence(redis, keys.queue_key), Array.from({ length: 50 }, (_, i) => i));
    const first = decodeMetrics((await redis.lindexBuffer(keys.queue_key, -1)) as Buffer);
    assert.deepEqual(first.dimensions.map((d) => [d.name, d.value]), [['env', 'test'], ['seq', '0']]);
    assert.equal(first.counters[0]?.value, 0);
    assert.throws(() => client.send(client.metrics().close()), ClientClosedError);
    assert.equal(await client.close(), stats, 'close() is idempotent');
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
    assert.deepEqual({ ...stats }, { delivered: 3000, dropped: 0, buffered: 0 });
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
