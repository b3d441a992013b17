import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createChannel } from '../../../src/channels/create-channel.js';
import { RedisStreamsChannel } from '../../../src/channels/redis-streams/redis-streams-channel.js';
import { Kadabra } from '../../../src/client/kadabra.js';
import { resolveAgentConfiguration } from '../../../src/config/index.js';
import { ConfigurationError } from '../../../src/errors/configuration-error.js';
import { InvalidArgumentError } from '../../../src/errors/invalid-argument-error.js';
import { createLogger } from '../../../src/logging/logger.js';
import { decodeMetrics } from '../../../src/wire/codec.js';
import { nameOf, receiptsOf, wireMessage } from '../../conformance/conformance-support.js';
import { startRedisServer, uniqueStreamKey, type RedisServerHandle } from '../../support/redis-server.js';
import { cli } from '../../unit/cli/cli-harness.js';
import { streamsFixture } from './redis-streams-fixture.js';

const silent = createLogger({ level: 'silent' });

describe('RedisStreamsChannel on a real redis-server', () => {
  const streams = streamsFixture();
  const { open } = streams;

  test('each message is one entry with the single field m, in the order sent; the receipt is the entry id on the stream key', async () => {
    const stream_key = uniqueStreamKey('entries');
    const channel = open({ stream_key });
    const twin = wireMessage('twin');
    await channel.sendEncoded([twin, twin, wireMessage('other')]);
    const entries = await streams.redis.xrangeBuffer(stream_key, '-', '+');
    assert.deepEqual(entries.map(([, fields]) => fields.map(String)), [['m', twin], ['m', twin], ['m', wireMessage('other')]]);
    const received = await channel.receiveBatch(10);
    assert.deepEqual(received.map((m) => m.receipt.id), entries.map(([id]) => id.toString()));
    assert.ok(received.every((m) => m.receipt.shard === stream_key));
    assert.notEqual(received[0]?.receipt.id, received[1]?.receipt.id, 'identical bytes are two messages, two identities');
  });

  test('every key of a stream carries its hash tag: stream, dead letters, publisher state, shard count, producer records', async () => {
    const stream_key = uniqueStreamKey('slots');
    const channel = open({ stream_key });
    await channel.sendEncoded(['h0', 'h1'].map((n) => wireMessage(n)));
    const [h0, h1] = await channel.receiveBatch(2);
    assert.ok(h0 && h1);
    await channel.complete([h0.receipt], { stateChange: { namespace: 'prometheus', add: new Map([['n', 1n]]) } });
    await channel.deadLetter(h1.receipt, 'for the test');
    const tag = stream_key.slice(0, stream_key.indexOf('}') + 1);
    const keys = (await streams.redis.keys(`${tag.replace(/[{}]/g, '\\$&')}*`)).sort();
    const sent = keys.filter((key) => key.startsWith(`${stream_key}:sent:`));
    assert.equal(sent.length, 1, "the producer's last batch number");
    assert.deepEqual(
      keys.filter((key) => !sent.includes(key)),
      [stream_key, `${stream_key}:dead`, `${stream_key}:shards`, `${stream_key}:state:prometheus`].sort(),
    );
  });

  test('a stream key without a hash tag is refused, naming the argument and the form accepted', () => {
    for (const stream_key of ['metrics', 'metrics{}', 'a}{b', '']) {
      assert.throws(
        () => new RedisStreamsChannel({ stream_key }, silent),
        (error: unknown) => error instanceof ConfigurationError && error.message.includes('CHANNEL_ARGS.stream_key') && error.message.includes('[^}]+\\}'),
        stream_key,
      );
    }
    assert.equal(new RedisStreamsChannel({ stream_key: 'app:{metrics}:stream' }, silent).args.stream_key, 'app:{metrics}:stream');
  });

  test('the group is created with the stream when missing (entries already there are delivered); another agent finds it (BUSYGROUP)', async () => {
    const stream_key = uniqueStreamKey('group');
    await streams.redis.xadd(stream_key, '*', 'm', wireMessage('before-any-agent'));
    const first = open({ stream_key, consumer: 'a' });
    const second = open({ stream_key, consumer: 'b' });
    assert.equal(nameOf(await first.receive({ timeoutSeconds: 5 })), 'before-any-agent');
    await first.sendEncoded([wireMessage('next')]);
    assert.equal(nameOf(await second.receive({ timeoutSeconds: 5 })), 'next');
    const empty = uniqueStreamKey('empty');
    assert.deepEqual(await open({ stream_key: empty }).receiveBatch(10), []);
    assert.equal(await streams.redis.type(empty), 'stream', 'created by the first read (MKSTREAM)');
    // The stream deleted under a running agent: its group is made again on the next read.
    await streams.redis.del(stream_key);
    await first.sendEncoded([wireMessage('after-delete')]);
    assert.equal(nameOf(await first.receive({ timeoutSeconds: 5 })), 'after-delete');
  });

  test('status creates nothing: a stream that does not exist yet shows as empty', async () => {
    const stream_key = uniqueStreamKey('status-only');
    const status = await open({ stream_key }).status();
    assert.equal(status.queued, 0);
    assert.equal(status.inProgress, 0);
    assert.deepEqual(status.consumers, []);
    assert.equal(await streams.redis.exists(stream_key), 0);
  });

  test('status: waiting entries, pending ones, and each consumer with what it holds', async () => {
    const stream_key = uniqueStreamKey('status');
    const a = open({ stream_key, consumer: 'agent-a' });
    const b = open({ stream_key, consumer: 'agent-b' });
    await a.sendEncoded(['s0', 's1', 's2', 's3', 's4', 's5'].map((n) => wireMessage(n)));
    await a.receiveBatch(2);
    await b.receiveBatch(1);
    const status = await a.status();
    assert.equal(status.queued, 3);
    assert.equal(status.inProgress, 3);
    assert.deepEqual(status.consumers?.map(({ name, pending }) => ({ name, pending })), [
      { name: 'agent-a', pending: 2 },
      { name: 'agent-b', pending: 1 },
    ]);
    assert.ok(status.oldestInProgressMs !== undefined && status.oldestInProgressMs >= 0);
  });

  test('an entry a Kadabra client did not write (other fields) is dead-lettered with its fields as JSON, never received', async () => {
    const stream_key = uniqueStreamKey('foreign');
    const channel = open({ stream_key });
    await streams.redis.xadd(stream_key, '*', 'event', 'login', 'user', 'ada');
    await channel.sendEncoded([wireMessage('ours')]);
    assert.deepEqual((await channel.receiveBatch(10)).map(nameOf), ['ours']);
    const [letter] = await channel.deadLetters(10);
    assert.ok(letter);
    assert.equal(letter.message, '["event","login","user","ada"]');
    assert.match(letter.reason, /not written by a Kadabra client/);
    assert.equal((await channel.status()).inProgress, 1, 'the foreign entry was acknowledged');
  });

  test('a receipt from another stream is refused, naming it; nothing changes', async () => {
    const one = open({ stream_key: uniqueStreamKey('one') });
    const other = open({ stream_key: uniqueStreamKey('other') });
    await one.sendEncoded([wireMessage('x')]);
    const [message] = await one.receiveBatch(1);
    assert.ok(message);
    await assert.rejects(other.complete([message.receipt]), (error: unknown) =>
      error instanceof InvalidArgumentError && error.message.includes(`on stream ${other.args.stream_key} did not issue the receipt`));
    assert.equal((await one.status()).inProgress, 1);
  });

  test('consumer names: given, or unique to each channel and stable for its life', () => {
    const named = open({ consumer: 'agent-7' });
    assert.equal(named.consumer, 'agent-7');
    const [a, b] = [open(), open()];
    assert.notEqual(a.consumer, b.consumer);
    assert.match(a.consumer, new RegExp(`:${process.pid}:[0-9a-f]{8}$`));
    assert.equal(a.consumer, a.consumer);
  });

  test('configured by type name: AGENT_CHANNEL_TYPE redis-streams with its arguments', async () => {
    const stream_key = uniqueStreamKey('configured');
    const config = resolveAgentConfiguration(
      { AGENT_CHANNEL_TYPE: 'redis-streams', AGENT_CHANNEL_ARGS: { host: '127.0.0.1', port: streams.server.port, stream_key, group: 'g1' } },
      {},
    );
    const channel = streams.track(createChannel(config.AGENT_CHANNEL_TYPE, config.AGENT_CHANNEL_ARGS, silent));
    assert.deepEqual(channel.describe(), { type: 'redis-streams', endpoint: `redis://127.0.0.1:${streams.server.port}/0` });
    await channel.sendEncoded([wireMessage('c')]);
    await channel.receiveBatch(1);
    assert.deepEqual((await streams.redis.xinfo('GROUPS', stream_key) as unknown[][]).map((g) => g[1]), ['g1']);
    assert.throws(
      () => resolveAgentConfiguration({ AGENT_CHANNEL_TYPE: 'redis-streams', AGENT_CHANNEL_ARGS: { queue_key: 'q' } }, {}),
      (error: unknown) => error instanceof ConfigurationError && /queue_key/.test(error.message) && /stream_key/.test(error.message),
    );
  });

  test('the client sends to the stream with every promise of the list channel: counted, in order, oversize dropped at send', async () => {
    const stream_key = uniqueStreamKey('client');
    const client = new Kadabra({
      CLIENT_CHANNEL_TYPE: 'redis-streams',
      CLIENT_CHANNEL_ARGS: { host: '127.0.0.1', port: streams.server.port, stream_key },
      CLIENT_MESSAGE_MAX_BYTES: 2000,
      CLIENT_LOG_LEVEL: 'silent',
    });
    for (let i = 0; i < 30; i += 1) {
      const metrics = client.metrics();
      metrics.addCount('seq', i);
      if (i === 7) metrics.setDimension('big', 'x'.repeat(5000));
      client.send(metrics.close());
    }
    const stats = await client.close();
    assert.equal(stats.delivered, 29);
    assert.deepEqual(stats.droppedBy, { bufferFull: 0, tooLarge: 1, afterClose: 0 });
    const values = (await streams.redis.xrangeBuffer(stream_key, '-', '+')).map(([, fields]) => decodeMetrics(fields[1] as Buffer).counters[0]?.value);
    assert.deepEqual(values, Array.from({ length: 30 }, (_, i) => i).filter((i) => i !== 7));
  });

  test('the client never throws while Redis is unreachable: sends are buffered and counted', async () => {
    const client = new Kadabra({
      CLIENT_CHANNEL_TYPE: 'redis-streams',
      CLIENT_CHANNEL_ARGS: { host: '127.0.0.1', port: 1, connect_timeout: 0.2 },
      CLIENT_FLUSH_TIMEOUT_SECONDS: 0.3,
      CLIENT_LOG_LEVEL: 'silent',
    });
    const metrics = client.metrics();
    metrics.addCount('lost', 1);
    client.send(metrics.close());
    const stats = await client.close();
    assert.equal(stats.delivered, 0);
    assert.equal(stats.buffered + stats.dropped, 1);
  });


  test('sends run the append script by its digest (EVALSHA); a server that lost it (SCRIPT FLUSH, as a restart) gets its text once, and appends once', async () => {
    const stream_key = uniqueStreamKey('evalsha');
    const channel = open({ stream_key });
    const calls = async (): Promise<{ evalsha: number; eval: number }> => {
      const info = await streams.redis.info('commandstats');
      const count = (name: string): number => Number(new RegExp(`^cmdstat_${name}:calls=(\\d+)`, 'm').exec(info)?.[1] ?? 0);
      return { evalsha: count('evalsha'), eval: count('eval') };
    };
    await channel.sendEncoded([wireMessage('warm-up')]);
    const before = await calls();
    for (let i = 0; i < 5; i += 1) await channel.sendEncoded([wireMessage(`s${i}a`), wireMessage(`s${i}b`)]);
    const loaded = await calls();
    assert.deepEqual({ evalsha: loaded.evalsha - before.evalsha, eval: loaded.eval - before.eval }, { evalsha: 5, eval: 0 });
    await streams.redis.script('FLUSH');
    await channel.sendEncoded([wireMessage('after-flush')]);
    await channel.sendEncoded([wireMessage('after-reload')]);
    const reloaded = await calls();
    assert.equal(reloaded.eval - loaded.eval, 1, 'the text once, after the NOSCRIPT answer');
    assert.equal(reloaded.evalsha - loaded.evalsha, 2, 'the NOSCRIPT attempt, then the next batch by digest');
    const names = (await streams.redis.xrangeBuffer(stream_key, '-', '+')).map(([, fields]) => decodeMetrics(fields[1] as Buffer).counters[0]?.name);
    assert.deepEqual(names, ['warm-up', ...Array.from({ length: 5 }, (_, i) => [`s${i}a`, `s${i}b`]).flat(), 'after-flush', 'after-reload']);
  });
  test('complete deletes the entries: the stream holds only what waits or is in progress', async () => {
    const stream_key = uniqueStreamKey('delete');
    const channel = open({ stream_key });
    await channel.sendEncoded(['d0', 'd1', 'd2'].map((n) => wireMessage(n)));
    const batch = await channel.receiveBatch(2);
    await channel.complete(receiptsOf(batch));
    assert.equal(await streams.redis.xlen(stream_key), 1);
    assert.deepEqual((await streams.redis.xpending(stream_key, 'kadabra') as unknown[])[0], 0);
  });

  /** How many times the server ran `command` since its statistics were last reset. */
  async function callsOf(command: string): Promise<number> {
    const info = await streams.redis.info('commandstats');
    return Number(new RegExp(`cmdstat_${command}:calls=(\\d+)`).exec(info)?.[1] ?? 0);
  }

  /** The clients blocked in a command on the server now. */
  async function blockedClients(): Promise<number> {
    return Number(/blocked_clients:(\d+)/.exec(await streams.redis.info('clients'))?.[1]);
  }

  test('receive waits in one blocking XREADGROUP on a connection of its own, not by polling; an abort ends the server\'s wait too', async () => {
    const stream_key = uniqueStreamKey('blocking');
    const channel = open({ stream_key });
    // Connected, and the shard count checked (a script, once per channel).
    await channel.prepare();
    await streams.redis.config('RESETSTAT');
    // Within one block slice (5 s): a poll would have run its script dozens of times.
    assert.equal(await channel.receive({ timeoutSeconds: 0.6 }), null);
    assert.equal(await callsOf('xreadgroup'), 1, 'one read for the whole wait');
    assert.equal(await callsOf('evalsha') + await callsOf('eval'), 0, 'no receive script polled');

    const controller = new AbortController();
    const waiting = channel.receive({ timeoutSeconds: 4, signal: controller.signal });
    while ((await blockedClients()) === 0) await new Promise((resolve) => setTimeout(resolve, 10));
    // The command connection stays free while the read blocks, and the waiting consumer is listed.
    const status = await channel.status();
    assert.equal(status.queued, 0);
    assert.deepEqual(status.consumers?.map((consumer) => [consumer.name, consumer.pending]), [[channel.consumer, 0]]);
    controller.abort();
    assert.equal(await waiting, null);
    while ((await blockedClients()) > 0) await new Promise((resolve) => setTimeout(resolve, 10));
    await channel.sendEncoded([wireMessage('after')]);
    assert.equal(nameOf(await channel.receive({ timeoutSeconds: 5 })), 'after', 'an entry sent after the abort went to no abandoned read');
  });

  test('several receives wait at once, each on its own connection, and each gets its own entry', async () => {
    const stream_key = uniqueStreamKey('blocking-many');
    const channel = open({ stream_key });
    const waits = [0, 1, 2].map(() => channel.receive({ timeoutSeconds: 10 }));
    while ((await blockedClients()) < 3) await new Promise((resolve) => setTimeout(resolve, 10));
    await open({ stream_key }).sendEncoded(['w0', 'w1', 'w2'].map((n) => wireMessage(n)));
    assert.deepEqual((await Promise.all(waits)).map(nameOf).sort(), ['w0', 'w1', 'w2']);
  });

  test('a batch over its byte budget gives the entries past it back: pending for no one, delivered next, in order', async () => {
    const stream_key = uniqueStreamKey('give-back');
    const channel = open({ stream_key, consumer: 'first' });
    const messages = ['g0', 'g1', 'g2', 'g3', 'g4'].map((n) => wireMessage(n));
    await channel.sendEncoded(messages);
    const size = Buffer.byteLength(messages[0] ?? '');
    const batch = await channel.receiveBatch(10, { maxMessageBytes: 10_000, maxBatchBytes: size * 2 });
    assert.deepEqual(batch.map(nameOf), ['g0', 'g1']);
    const pending = (await streams.redis.xpending(stream_key, 'kadabra', '-', '+', 10)) as [string, string][];
    assert.deepEqual(pending.map(([id, consumer]) => [id, consumer]), batch.map((m) => [m.receipt.id, 'first']));
    assert.equal(await streams.redis.xlen(stream_key), 5, 'nothing given back left the stream');
    const other = open({ stream_key, consumer: 'second' });
    assert.deepEqual((await other.receiveBatch(10)).map(nameOf), ['g2', 'g3', 'g4']);
  });
});

describe('kadabra status and dead-letters on redis-streams', () => {
  let server: RedisServerHandle;
  let dir: string;

  before(async () => {
    server = await startRedisServer();
    dir = mkdtempSync(join(tmpdir(), 'kadabra-streams-cli-'));
  });
  after(async () => {
    rmSync(dir, { recursive: true, force: true });
    await server.dispose();
  });

  test('status shows waiting, pending with the oldest\'s age, and each consumer with what it holds; dead-letters lists, requeues, purges', async () => {
    const stream_key = uniqueStreamKey('cli');
    const args = { host: '127.0.0.1', port: server.port, stream_key, dead_max_length: 1 };
    const config = join(dir, 'kadabra.json');
    writeFileSync(config, JSON.stringify({ AGENT_CHANNEL_TYPE: 'redis-streams', AGENT_CHANNEL_ARGS: args }));
    const agent = new RedisStreamsChannel({ ...args, consumer: 'agent-1' }, silent);
    try {
      await agent.sendEncoded(['q0', 'q1', 'q2', 'q3'].map((n) => wireMessage(n)));
      const [q0, q1] = await agent.receiveBatch(2);
      assert.ok(q0 && q1);
      await agent.deadLetter(q1.receipt, 'refused for the test');
      const json = await cli(['status', '--config', config, '--json']);
      assert.equal(json.code, 0, json.stderr);
      const report = JSON.parse(json.stdout) as Record<string, unknown>;
      assert.equal(report.queued, 2);
      assert.equal(report.inProgress, 1);
      assert.equal(typeof report.oldestInProgressAgeSeconds, 'number');
      assert.equal(report.deadLetters, 1);
      assert.deepEqual((report.consumers as { name: string; pending: number }[]).map(({ name, pending }) => ({ name, pending })), [{ name: 'agent-1', pending: 1 }]);
      const text = await cli(['status', '--config', config]);
      assert.match(text.stdout, /consumers: {4}1\n {2}agent-1: holds 1, last read \d+\.\d s ago/);

      const list = await cli(['dead-letters', 'list', '--config', config]);
      assert.match(list.stdout, /refused for the test\n {4}.*"q1"/);
      assert.equal((await cli(['dead-letters', 'requeue', '--config', config])).code, 0);
      assert.deepEqual((await agent.receiveBatch(10)).map(nameOf), ['q2', 'q3', 'q1'], 'requeued as a new entry, at the end');
      await agent.deadLetter(q0.receipt, 'again');
      await agent.deadLetter(q0.receipt, 'twice: not pending any more, nothing recorded');
      const alarm = await cli(['status', '--config', config]);
      assert.equal(alarm.code, 0, 'one dead letter is not above dead_max_length 1');
      assert.equal((await cli(['dead-letters', 'purge', '--config', config])).code, 0);
      assert.equal((await agent.status()).deadLetters, 0);
    } finally {
      await agent.close();
    }
  });
});
