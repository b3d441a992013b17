import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { EncodedMessage } from '../../../src/channels/encoded-message.js';
import { SendBuffer, type SendBufferOptions } from '../../../src/client/send-buffer.js';
import { silentLogger } from '../agent/helpers.js';

/** One `sendEncoded` call: the batch as text, and how to end it. */
interface Call {
  readonly batch: string[];
  succeed(): void;
  fail(error: Error): void;
}

/** A channel whose every write waits until the test ends it, so the test decides what is in flight. */
class HeldChannel {
  readonly calls: Call[] = [];
  private arrived: (() => void)[] = [];

  sendEncoded(batch: readonly EncodedMessage[]): Promise<void> {
    return new Promise((resolve, reject) => {
      this.calls.push({
        batch: batch.map((message) => (typeof message === 'string' ? message : Buffer.from(message).toString('utf8'))),
        succeed: () => resolve(),
        fail: reject,
      });
      const arrived = this.arrived;
      this.arrived = [];
      for (const wake of arrived) wake();
    });
  }

  /** The `n`th call (from 0), once the buffer has made it. */
  async call(n: number): Promise<Call> {
    while (this.calls.length <= n) await new Promise<void>((resolve) => this.arrived.push(resolve));
    return this.calls[n] as Call;
  }

  /** The messages of every call made, in order. */
  written(): string[] {
    return this.calls.flatMap((call) => call.batch);
  }
}

function buffer(channel: HeldChannel, options: Partial<SendBufferOptions> = {}): SendBuffer {
  return new SendBuffer(channel, {
    maxMessages: 1000,
    maxBytes: 1_000_000,
    maxMessageBytes: 1000,
    overflowLogIntervalMs: 60_000,
    logger: silentLogger(),
    ...options,
  });
}

const names = (count: number, prefix = 'm'): string[] => Array.from({ length: count }, (_, i) => `${prefix}${i}`);

describe('SendBuffer', () => {
  it('a write holds at most maxBatchBytes of messages, and always one, however large', async () => {
    const channel = new HeldChannel();
    const sends = buffer(channel, { maxBatchBytes: 250, maxMessageBytes: 1000, maxBatch: 100 });
    const messages = [...names(3, 'a'.repeat(98)), 'b'.repeat(400), ...names(2, 'c'.repeat(98))];
    for (const message of messages) sends.push(message);
    const flushed = sends.flush(10_000);
    for (let n = 0; n < 4; n += 1) (await channel.call(n)).succeed();
    const stats = await flushed;
    // 99-byte messages: two fit 250 bytes, a third would not; the 400-byte one goes alone.
    assert.deepEqual(
      channel.calls.map((call) => call.batch),
      [messages.slice(0, 2), messages.slice(2, 3), messages.slice(3, 4), messages.slice(4)],
    );
    assert.equal(stats.delivered, 6);
    assert.equal(stats.bufferedBytes, 0, 'the bytes of each batch are released once written');
  });

  it('writes every message once, in the order pushed, at most maxBatch per write', async () => {
    const channel = new HeldChannel();
    const sends = buffer(channel, { maxBatch: 3 });
    const messages = names(8);
    for (const message of messages) sends.push(message);
    const flushed = sends.flush(10_000);
    for (let n = 0; n < 3; n += 1) (await channel.call(n)).succeed();
    const stats = await flushed;
    assert.deepEqual(
      channel.calls.map((call) => call.batch),
      [messages.slice(0, 3), messages.slice(3, 6), messages.slice(6)],
    );
    assert.equal(stats.delivered, 8);
    assert.equal(stats.dropped, 0);
    assert.equal(stats.buffered, 0);
    assert.equal(stats.bufferedBytes, 0);
  });

  it('over maxMessages drops the oldest waiting messages and counts them, never the batch in flight', async () => {
    const channel = new HeldChannel();
    const sends = buffer(channel, { maxMessages: 3 });
    sends.push('first');
    const inFlight = await channel.call(0);
    for (const message of names(5)) sends.push(message);
    const during = sends.stats();
    assert.equal(during.buffered, 3, 'one in flight and two waiting');
    assert.deepEqual(during.droppedBy, { bufferFull: 3, tooLarge: 0, afterClose: 0 });
    inFlight.succeed();
    (await channel.call(1)).succeed();
    const stats = await sends.flush(10_000);
    assert.deepEqual(channel.written(), ['first', 'm3', 'm4']);
    assert.equal(stats.delivered, 3);
    assert.equal(stats.dropped, 3);
    assert.equal(stats.bufferedBytes, 0);
  });

  it('over maxBytes drops the oldest waiting messages until the bytes fit', async () => {
    const channel = new HeldChannel();
    // Four-byte messages, ten bytes allowed: two fit.
    const sends = buffer(channel, { maxBytes: 10 });
    for (const message of ['aaaa', 'bbbb', 'cccc', 'dddd']) sends.push(message);
    const held = sends.stats();
    assert.equal(held.bufferedBytes, 8);
    assert.equal(held.droppedBy.bufferFull, 2);
    // Bytes are counted in UTF-8: one 'é' is two bytes, so 'éééé' (8 bytes) leaves room for nothing else.
    sends.push('éééé');
    assert.equal(sends.stats().bufferedBytes, 8);
    (await channel.call(0)).succeed();
    const stats = await sends.flush(10_000);
    assert.deepEqual(channel.written(), ['éééé']);
    assert.equal(stats.droppedBy.bufferFull, 4);
    assert.equal(stats.bufferedBytes, 0);
  });

  it('puts a failed batch back at the front: written again before what was pushed meanwhile, delivered once', async () => {
    const channel = new HeldChannel();
    const sends = buffer(channel);
    sends.push('a');
    sends.push('b');
    const first = await channel.call(0);
    sends.push('c');
    first.fail(new Error('connection reset'));
    const retried = await waitForRetry(sends, channel, 1);
    assert.deepEqual(retried.batch, ['a', 'b', 'c']);
    retried.succeed();
    const stats = await sends.flush(10_000);
    assert.equal(stats.delivered, 3);
    assert.equal(stats.dropped, 0);
    assert.equal(stats.bufferedBytes, 0);
    assert.equal(stats.lastError, undefined, 'a later success clears the error');
  });

  it('reports the last write error while a batch waits to be retried', async () => {
    const channel = new HeldChannel();
    const sends = buffer(channel);
    sends.push('a');
    (await channel.call(0)).fail(new Error('connection reset'));
    await new Promise((resolve) => setImmediate(resolve));
    const stats = sends.stats();
    assert.equal(stats.lastError, 'connection reset');
    assert.equal(stats.buffered, 1);
    assert.equal(stats.bufferedBytes, 1);
    assert.equal(stats.delivered, 0);
    (await waitForRetry(sends, channel, 1)).succeed();
    assert.equal((await sends.flush(10_000)).delivered, 1);
  });

  it('while a batch is in flight and then fails, only messages waiting behind it are dropped for room', async () => {
    const channel = new HeldChannel();
    const sends = buffer(channel, { maxMessages: 3 });
    sends.push('a');
    sends.push('b');
    const first = await channel.call(0);
    sends.push('c');
    sends.push('d');
    assert.equal(sends.stats().droppedBy.bufferFull, 1, 'two in flight, room for one more: c made way for d');
    first.fail(new Error('timeout'));
    const retried = await waitForRetry(sends, channel, 1);
    assert.deepEqual(retried.batch, ['a', 'b', 'd']);
    retried.succeed();
    const stats = await sends.flush(10_000);
    assert.equal(stats.delivered, 3);
    assert.equal(stats.droppedBy.bufferFull, 1);
  });

  it('drops and counts a message larger than maxMessageBytes, and one pushed after stop()', async () => {
    const channel = new HeldChannel();
    const sends = buffer(channel, { maxMessageBytes: 4 });
    sends.push('12345');
    sends.push('1234');
    (await channel.call(0)).succeed();
    await sends.flush(10_000);
    sends.stop();
    sends.push('late');
    const stats = sends.stats();
    assert.deepEqual(channel.written(), ['1234']);
    assert.deepEqual(stats.droppedBy, { bufferFull: 0, tooLarge: 1, afterClose: 1 });
    assert.equal(stats.buffered, 0);
  });
});

/** Waits for write number `n`, waking the retry backoff with `flush` so the test need not wait it out. */
async function waitForRetry(sends: SendBuffer, channel: HeldChannel, n: number): Promise<Call> {
  const call = channel.call(n);
  while (channel.calls.length <= n) {
    void sends.flush(0);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return call;
}
