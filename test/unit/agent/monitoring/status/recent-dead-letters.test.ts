import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DeadLetter } from '../../../../../src/channels/channel.js';
import {
  DEAD_LETTER_MESSAGE_CHARS,
  DEAD_LETTERS_MAX_AGE_MS,
  DEAD_LETTERS_SHOWN,
  RecentDeadLetters,
} from '../../../../../src/agent/monitoring/status/recent-dead-letters.js';
import { MemoryChannel } from '../../../../support/memory-channel.js';
import { manualClock } from '../../helpers.js';

/** A memory channel whose dead-letter listing is counted and can be made to fail. */
class ListingChannel extends MemoryChannel {
  listings = 0;
  limits: number[] = [];
  letters: DeadLetter[] = [];
  failWith: Error | undefined;

  override deadLetters(limit: number): Promise<DeadLetter[]> {
    this.listings += 1;
    this.limits.push(limit);
    return this.failWith === undefined ? Promise.resolve(this.letters.slice(0, limit)) : Promise.reject(this.failWith);
  }
}

const letter = (message: string, reason = 'refused'): DeadLetter => ({ message, encoding: 'utf8', reason, time: '2026-12-02T10:00:00.000Z' });

describe('RecentDeadLetters', () => {
  it('reads the channel at most every few seconds however often it is asked, and only when asked', async () => {
    const clock = manualClock(1000);
    const channel = new ListingChannel();
    channel.letters = [letter('a')];
    const recent = new RecentDeadLetters(channel, clock.now);
    assert.equal(channel.listings, 0, 'nothing read before a request');
    assert.equal((await recent.latest()).letters.length, 1);
    for (let i = 0; i < 50; i += 1) await recent.latest();
    assert.equal(channel.listings, 1);
    channel.letters = [letter('b'), letter('a')];
    clock.advance(DEAD_LETTERS_MAX_AGE_MS);
    // The stale listing answers while the new read runs; the next request sees the new one.
    assert.equal((await recent.latest()).letters.length, 1);
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal((await recent.latest()).letters[0]?.message, 'b');
    assert.equal(channel.listings, 2);
    assert.deepEqual(channel.limits, [DEAD_LETTERS_SHOWN, DEAD_LETTERS_SHOWN]);
  });

  it('cuts long messages, saying how long they were', async () => {
    const channel = new ListingChannel();
    channel.letters = [letter('x'.repeat(DEAD_LETTER_MESSAGE_CHARS + 100))];
    const [shown] = (await new RecentDeadLetters(channel).latest()).letters;
    assert.equal(shown?.message, `${'x'.repeat(DEAD_LETTER_MESSAGE_CHARS)}…`);
    assert.equal(shown?.messageChars, DEAD_LETTER_MESSAGE_CHARS + 100);
  });

  it('keeps the previous listing when a read fails, with the reason and no credential', async () => {
    const clock = manualClock(0);
    const channel = new ListingChannel();
    channel.letters = [letter('a')];
    const recent = new RecentDeadLetters(channel, clock.now);
    await recent.latest();
    channel.failWith = new Error('connect ECONNREFUSED redis://agent:pw-9d3e@10.0.0.1:6379');
    clock.advance(DEAD_LETTERS_MAX_AGE_MS);
    await recent.latest();
    await new Promise((resolve) => setImmediate(resolve));
    const view = await recent.latest();
    assert.equal(view.letters.length, 1);
    assert.match(view.error ?? '', /ECONNREFUSED/);
    assert.doesNotMatch(view.error ?? '', /pw-9d3e/);
  });
});
