import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, mock, test } from 'node:test';
import { Kadabra } from '../../../src/client/kadabra.js';
import { RUNTIME_METRICS } from '../../../src/client/runtime-metrics/runtime-metric-names.js';
import { InvalidArgumentError } from '../../../src/errors/invalid-argument-error.js';
import { MemoryChannel } from '../../support/memory-channel.js';

/*
 * The collection's schedule, with Node's mock timers driving its interval: what is sent
 * at each tick, and that stop() and close() end it. Real values through a real Redis:
 * test/integration/client/runtime-metrics.test.ts.
 */

function clientOn(channel: MemoryChannel, configuration: Record<string, unknown> = {}): Kadabra {
  return new Kadabra({ CLIENT_LOG_LEVEL: 'silent', ...configuration }, { channel });
}

async function sent(client: Kadabra, channel: MemoryChannel): Promise<number> {
  await client.flush();
  return (await channel.status()).queued;
}

function rejects(fn: () => unknown, ...fragments: string[]): void {
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof InvalidArgumentError, `expected InvalidArgumentError, got ${String(error)}`);
    for (const f of fragments) assert.ok(error.message.includes(f), `message ${JSON.stringify(error.message)} lacks ${f}`);
    return true;
  });
}

describe('collectRuntimeMetrics schedule', () => {
  beforeEach(() => mock.timers.enable({ apis: ['setInterval'] }));
  afterEach(() => mock.timers.reset());

  test('one message per interval, with the client\'s and the given dimensions; stop() ends it, and is idempotent', async () => {
    const channel = new MemoryChannel();
    const client = clientOn(channel, { CLIENT_DEFAULT_DIMENSIONS: { env: 'test' } });
    const stop = client.collectRuntimeMetrics({ intervalSeconds: 10, dimensions: { role: 'worker' } });
    mock.timers.tick(9_999);
    assert.equal(await sent(client, channel), 0, 'nothing before the first interval ends');
    mock.timers.tick(1);
    assert.equal(await sent(client, channel), 1);
    mock.timers.tick(20_000);
    assert.equal(await sent(client, channel), 3);
    stop();
    stop();
    mock.timers.tick(100_000);
    assert.equal(await sent(client, channel), 3, 'nothing after stop()');
    const [message] = await channel.receiveBatch(1);
    const metrics = message!.metrics;
    assert.deepEqual(metrics.dimensions.map((d) => [d.name, d.value]), [['env', 'test'], ['role', 'worker']]);
    const kinds = new Map(RUNTIME_METRICS.map((m) => [m.name, m.kind]));
    for (const gauge of metrics.gauges) assert.equal(kinds.get(gauge.name), 'gauge', gauge.name);
    for (const counter of metrics.counters) assert.equal(kinds.get(counter.name), 'counter', counter.name);
    assert.equal(metrics.counters.length, RUNTIME_METRICS.filter((m) => m.kind === 'counter').length);
    await client.close();
  });

  test('close() stops every collection; the configuration key starts one', async () => {
    const channel = new MemoryChannel();
    const client = clientOn(channel, { CLIENT_RUNTIME_METRICS_INTERVAL_SECONDS: 5 });
    client.collectRuntimeMetrics({ intervalSeconds: 2 });
    mock.timers.tick(10_000);
    assert.equal(await sent(client, channel), 2 + 5, 'two every 10 s from the key, five from the call');
    await client.close();
    mock.timers.tick(100_000);
    assert.equal((await channel.status()).queued, 7);
    assert.equal(client.stats().droppedBy.afterClose, 0, 'no collection ran after close()');
  });

  test('bad options fail at the call, naming the value, and start nothing', async () => {
    const channel = new MemoryChannel();
    const client = clientOn(channel);
    rejects(() => client.collectRuntimeMetrics({ intervalSeconds: 0 }), 'intervalSeconds', 'got 0');
    rejects(() => client.collectRuntimeMetrics({ intervalSeconds: Number.NaN }), 'got NaN');
    rejects(() => client.collectRuntimeMetrics({ intervalSeconds: '10' as unknown as number }), 'got "10"');
    rejects(() => client.collectRuntimeMetrics({ dimensions: { host: 1 as unknown as string } }), 'dimensions["host"]', 'got 1');
    rejects(() => client.collectRuntimeMetrics({ dimensions: { '': 'x' } }), 'dimensions[""]');
    rejects(() => client.collectRuntimeMetrics(5 as unknown as undefined), 'options must be an object', 'got 5');
    mock.timers.tick(100_000);
    assert.equal(await sent(client, channel), 0);
    await client.close();
  });
});
