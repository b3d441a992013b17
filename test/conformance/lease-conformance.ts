import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InvalidArgumentError } from '../../src/errors/invalid-argument-error.js';
import { waitFor } from '../support/wait-for.js';
import type { StoreForTest } from './conformance-support.js';

/** Long enough that no lease of these tests runs out while a test looks at it. */
const HELD_MS = 600_000;

/**
 * The leases every `Channel` shares (`Channel.lease`; part of the channel conformance
 * suite, run inside its `describe`). Channels opened on one store stand for processes
 * sharing the channel.
 * @param store a fresh store whose channels are closed after each test.
 */
export function leaseConformance(store: StoreForTest): void {
  test('a lease is held by one owner at a time: taken, renewed by its holder only, separate per name', async () => {
    const { open } = await store();
    const a = open();
    const b = open();
    assert.equal(await a.lease('job', 'owner-a', HELD_MS), true, 'a free lease is taken');
    assert.equal(await b.lease('job', 'owner-b', HELD_MS), false, 'held by another owner, through another channel instance');
    assert.equal(await a.lease('job', 'owner-a', HELD_MS), true, 'its holder renews it');
    assert.equal(await b.lease('job', 'owner-a', HELD_MS), true, 'the owner is who holds it, whichever instance asks');
    assert.equal(await b.lease('other-job', 'owner-b', HELD_MS), true, 'another name is another lease');
    assert.equal(await a.lease('job', 'owner-b', HELD_MS), false);
  });

  test('a lease given up (ttl 0) by its holder is free at once; given up by another owner it stays held', async () => {
    const { open } = await store();
    const a = open();
    const b = open();
    assert.equal(await a.lease('job', 'owner-a', HELD_MS), true);
    assert.equal(await b.lease('job', 'owner-b', 0), false, 'giving up always answers false');
    assert.equal(await b.lease('job', 'owner-b', HELD_MS), false, 'not its holder: nothing was given up');
    assert.equal(await a.lease('job', 'owner-a', 0), false);
    assert.equal(await b.lease('job', 'owner-b', HELD_MS), true, 'free once its holder gave it up');
    assert.equal(await a.lease('never-taken', 'owner-a', 0), false, 'giving up a lease nobody holds changes nothing');
  });

  test('a lease whose holder does not renew it runs out by the channel\'s clock; then another takes it and the old holder cannot renew', async () => {
    const { open } = await store();
    const a = open();
    const b = open();
    assert.equal(await a.lease('job', 'owner-a', 50), true);
    await waitFor(async () => b.lease('job', 'owner-b', HELD_MS), 'the lease to run out and be taken by owner-b', 10_000, () => '', 20);
    assert.equal(await a.lease('job', 'owner-a', HELD_MS), false, 'the old holder lost it');
  });

  test('owners racing for a free lease: exactly one gets it', async () => {
    const { open } = await store();
    const channels = Array.from({ length: 4 }, () => open());
    const answers = await Promise.all(
      Array.from({ length: 12 }, (_, i) => (channels[i % channels.length] ?? channels[0])?.lease('race', `owner-${i}`, HELD_MS)),
    );
    assert.equal(answers.filter((held) => held === true).length, 1, JSON.stringify(answers));
  });

  test('a bad lease name, owner or time is refused with the value in the error', async () => {
    const { open } = await store();
    const channel = open();
    const refused = (pattern: RegExp) => (error: unknown) => {
      assert.ok(error instanceof InvalidArgumentError, `an InvalidArgumentError, not ${String(error)}`);
      assert.match(error.message, pattern);
      return true;
    };
    await assert.rejects(channel.lease('a b', 'owner', 1000), refused(/lease name "a b" is not allowed/));
    await assert.rejects(channel.lease('', 'owner', 1000), refused(/lease name "" is not allowed/));
    await assert.rejects(channel.lease('job', '', 1000), refused(/lease owner "" is not allowed/));
    await assert.rejects(channel.lease('job', 'owner', 1.5), refused(/lease time 1\.5 ms is not allowed/));
    await assert.rejects(channel.lease('job', 'owner', -1), refused(/lease time -1 ms is not allowed/));
    assert.equal(await channel.lease('job', 'owner', 1000), true, 'nothing was taken by the refused calls');
  });
}
