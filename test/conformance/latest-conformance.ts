import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Channel, LatestValue, StateChange } from '../../src/channels/channel.js';
import { InvalidArgumentError } from '../../src/errors/invalid-argument-error.js';
import { nameOf, receiptsOf, wireMessage, type StoreForTest } from './conformance-support.js';

/** A state change setting `values` if newer (and adding `add`) in the namespace `prometheus`. */
function setting(values: Record<string, [timestamp: bigint, value: number]>, add: Record<string, bigint> = {}): { stateChange: StateChange } {
  const set = new Map(Object.entries(values).map(([name, [timestamp, value]]) => [name, { timestamp, value }] as const));
  return { stateChange: { namespace: 'prometheus', add: new Map(Object.entries(add)), set } };
}

/** Values of one name, with ties (same timestamp), exact 64-bit timestamps and signed zeros. */
const CHANGES: readonly Record<string, [bigint, number]>[] = [
  { g: [10n, 5], tie: [7n, 1.5], big: [2n ** 62n + 1n, 1], neg: [-5n, 3], near: [2n ** 62n + 1n, 1] },
  { g: [30n, -2.25], tie: [7n, 2.5], big: [2n ** 62n, 9], neg: [-(2n ** 63n), 8], near: [2n ** 62n, 9] },
  { g: [20n, 1e300], tie: [7n, -1], big: [2n ** 63n - 1n, -0], neg: [-4n, -0] },
  { g: [30n, -3], tie: [6n, 100], zero: [1n, -0] },
  { zero: [1n, 0], tie: [7n, 2.5] },
];

/** What `CHANGES` leave, in whatever order they are applied. */
const NEWEST = new Map<string, LatestValue>([
  ['g', { timestamp: 30n, value: -2.25 }],
  ['tie', { timestamp: 7n, value: 2.5 }],
  ['big', { timestamp: 2n ** 63n - 1n, value: 0 }],
  ['neg', { timestamp: -4n, value: 0 }],
  ['zero', { timestamp: 1n, value: 0 }],
  // As doubles both timestamps would be 2^62, and the greater value would win.
  ['near', { timestamp: 2n ** 62n + 1n, value: 1 }],
]);

/** Completes one message per change, in the order of `order`, each with its change; returns the values kept. */
async function applyInOrder(store: StoreForTest, order: readonly number[]): Promise<Map<string, LatestValue>> {
  const { open } = await store();
  const channel = open();
  await channel.sendEncoded(order.map((i) => wireMessage(`o${i}`)));
  for (const i of order) {
    const [message] = await channel.receiveBatch(1);
    assert.equal(nameOf(message), `o${i}`);
    await channel.complete(receiptsOf(message ? [message] : []), setting(CHANGES[i] ?? {}));
  }
  return open().readLatest('prometheus');
}

/** `Object.is` equality of values, so `-0` and `0` differ. */
function assertLatest(actual: Map<string, LatestValue>, expected: Map<string, LatestValue>, message: string): void {
  assert.deepEqual([...actual.keys()].sort(), [...expected.keys()].sort(), message);
  for (const [name, latest] of expected) {
    const got = actual.get(name);
    assert.equal(got?.timestamp, latest.timestamp, `${message}: timestamp of ${name}`);
    assert.ok(Object.is(got?.value, latest.value), `${message}: value of ${name} is ${got?.value}, not ${latest.value}`);
  }
}

async function inProgressNames(channel: Channel): Promise<(string | undefined)[]> {
  return (await channel.inProgress(10)).map(nameOf);
}

/**
 * Values set if newer (`StateChange.set`, `readLatest`), part of the channel conformance
 * suite, run inside its `describe`.
 * @param store a fresh store whose channels are closed after each test.
 */
export function latestConformance(store: StoreForTest): void {
  test('values set if newer: the latest timestamp wins, ties go to the greater value, whatever the order of completions', async () => {
    for (const order of [[0, 1, 2, 3, 4], [4, 3, 2, 1, 0], [2, 4, 0, 3, 1]]) {
      assertLatest(await applyInOrder(store, order), NEWEST, `order ${order.join(',')}`);
    }
  });

  test('a value is set only by a completion that removed its messages: a second completion, or one racing another, sets nothing', async () => {
    const { open } = await store();
    const receiver = open();
    assert.deepEqual(await receiver.readLatest('prometheus'), new Map(), 'nothing before any change');
    // One batch sent: on a sharded channel, all on one shard, whose totals can overflow below.
    await receiver.sendEncoded(['v0', 'v1', 'v2', 'v3'].map((n) => wireMessage(n)));
    const batch = await receiver.receiveBatch(3);
    const [v0, v1, v2] = batch;
    assert.ok(v0 && v1 && v2);
    await receiver.complete([v0.receipt], setting({ g: [10n, 1] }));
    await receiver.complete([v0.receipt], setting({ g: [99n, 2] }));
    assertLatest(await open().readLatest('prometheus'), new Map([['g', { timestamp: 10n, value: 1 }]]), 'a repeated completion');

    // Another agent's nanny completes v1 first: the batch with v1 in it sets nothing and removes nothing.
    const nanny = open();
    const listed = await nanny.inProgress(10);
    const l1 = listed.find((item) => nameOf(item) === 'v1');
    assert.ok(l1);
    await nanny.complete([l1.receipt], setting({ g: [20n, 3] }));
    await receiver.complete([v1.receipt, v2.receipt], setting({ g: [50n, 4], h: [1n, 1] }));
    assertLatest(await receiver.readLatest('prometheus'), new Map([['g', { timestamp: 20n, value: 3 }]]), 'the batch set nothing');
    assert.deepEqual(await inProgressNames(receiver), ['v2'], 'and removed nothing');

    // A total that would overflow fails the call: no value is set either.
    await receiver.complete([], setting({ g: [70n, 7] }));
    const [v3] = await receiver.receiveBatch(1);
    assert.ok(v3);
    await receiver.complete([v3.receipt], setting({}, { t: 2n ** 63n - 1n }));
    await assert.rejects(receiver.complete([v2.receipt], setting({ g: [60n, 6] }, { t: 1n })), InvalidArgumentError);
    assertLatest(await receiver.readLatest('prometheus'), new Map([['g', { timestamp: 20n, value: 3 }]]), 'an overflow set nothing');
    assert.deepEqual(await inProgressNames(receiver), ['v2']);
    await receiver.complete([v2.receipt], setting({ g: [60n, 6] }));
    assertLatest(await receiver.readLatest('prometheus'), new Map([['g', { timestamp: 60n, value: 6 }]]), 'set with the completion');
    assert.deepEqual(await receiver.readLatest('other-publisher'), new Map(), 'namespaces are apart');
  });

  test('two agents completing the same messages at once, each with its own value: the value of the one that removed them is kept', async () => {
    const { open } = await store();
    const receiver = open();
    await receiver.sendEncoded(['w0', 'w1'].map((n) => wireMessage(n)));
    const batch = await receiver.receiveBatch(2);
    const nanny = open();
    const listed = await nanny.inProgress(10);
    await Promise.all([
      receiver.complete(receiptsOf(batch), setting({ g: [5n, 1] }, { n: 2n })),
      nanny.complete(receiptsOf(listed), setting({ g: [5n, 2] }, { n: 2n })),
    ]);
    const totals = await open().readState('prometheus');
    const latest = await open().readLatest('prometheus');
    assert.deepEqual(totals, new Map([['n', 2n]]), 'applied once');
    assert.equal(latest.size, 1);
    assert.ok([1, 2].includes(latest.get('g')?.value ?? 0), `kept ${latest.get('g')?.value}`);
  });

  test('a bad value set is refused with what is wrong in the error, and nothing is removed or set', async () => {
    const { open } = await store();
    const channel = open();
    await channel.sendEncoded([wireMessage('x0')]);
    const receipts = receiptsOf(await channel.receiveBatch(1));
    const bad: [Map<unknown, unknown>, RegExp][] = [
      [new Map([['g', { value: Number.NaN, timestamp: 1n }]]), /value set for state value "g" must be a finite number; got NaN/],
      [new Map([['g', { value: Number.POSITIVE_INFINITY, timestamp: 1n }]]), /must be a finite number; got Infinity/],
      [new Map([['g', { value: 1, timestamp: 1 }]]), /timestamp of state value "g" must be a bigint/],
      [new Map([['g', { value: 1, timestamp: 2n ** 63n }]]), /within the signed 64-bit range; got 9223372036854775808n/],
      [new Map([['', { value: 1, timestamp: 1n }]]), /state value's name must be a non-empty string/],
    ];
    for (const [set, pattern] of bad) {
      const stateChange = { namespace: 'prometheus', add: new Map(), set } as unknown as StateChange;
      await assert.rejects(channel.complete(receipts, { stateChange }), (error: unknown) => {
        assert.ok(error instanceof InvalidArgumentError, String(error));
        assert.match(error.message, pattern);
        return true;
      });
    }
    assert.equal((await channel.status()).inProgress, 1);
    assert.deepEqual(await channel.readLatest('prometheus'), new Map());
    await assert.rejects(channel.readLatest('a:b'), InvalidArgumentError);
  });
}
