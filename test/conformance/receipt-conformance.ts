import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Receipt, ReceivedMessage, StateChange, StateSelection } from '../../src/channels/channel.js';
import { InvalidArgumentError } from '../../src/errors/invalid-argument-error.js';
import { nameOf, receiptsOf, wireMessage, type StoreForTest } from './conformance-support.js';

/** A state change adding `amounts` to totals of the namespace `prometheus`. */
function adding(amounts: Record<string, bigint>, namespace = 'prometheus'): { stateChange: StateChange } {
  return { stateChange: { namespace, add: new Map(Object.entries(amounts)) } };
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function isInvalidArgument(pattern: RegExp): (error: unknown) => boolean {
  return (error: unknown) => {
    assert.ok(error instanceof InvalidArgumentError, `an InvalidArgumentError, not ${String(error)}`);
    assert.match(error.message, pattern);
    return true;
  };
}

/**
 * The receipts, descriptions and publisher state every `Channel` shares (part of the
 * channel conformance suite, run inside its `describe`).
 * @param store a fresh store whose channels are closed after each test.
 */
export function receiptConformance(store: StoreForTest): void {
  test('describe() names the type and where the channel points, the same for every instance on a store', async () => {
    const { open } = await store();
    const description = open().describe();
    assert.ok(description.type.length > 0 && description.endpoint.length > 0, JSON.stringify(description));
    assert.deepEqual(open().describe(), description);
  });

  test('a receipt names its message: the same id whether it was received or listed in progress', async () => {
    const { open } = await store();
    const channel = open();
    await channel.sendEncoded([wireMessage('n0'), wireMessage('n1')]);
    const received = await channel.receiveBatch(2);
    const listed = await open().inProgress(10);
    assert.deepEqual(listed.map(nameOf), ['n0', 'n1']);
    const named = ({ receipt }: ReceivedMessage): Receipt => ({ id: receipt.id, shard: receipt.shard, bytes: receipt.bytes });
    assert.deepEqual(listed.map(named), received.map(named));
    for (const { receipt } of received) assert.ok(typeof receipt.id === 'string' && receipt.id !== '' && typeof receipt.shard === 'string');
  });

  test('a receipt the channel did not issue is refused by complete and deadLetter, named in the error; nothing changes', async () => {
    const { open } = await store();
    const channel = open();
    await channel.sendEncoded([wireMessage('f0')]);
    const [mine] = await channel.receiveBatch(1);
    assert.ok(mine);
    const forged = { id: mine.receipt.id, shard: mine.receipt.shard, bytes: mine.receipt.bytes };
    const named = new RegExp(`did not issue the receipt ${escapeRegExp(JSON.stringify(forged))}`);
    await assert.rejects(channel.complete([mine.receipt, forged]), isInvalidArgument(named));
    await assert.rejects(channel.deadLetter(forged, 'forged'), isInvalidArgument(named));
    const status = await channel.status();
    assert.equal(status.inProgress, 1, 'the completion with a forged receipt removed nothing');
    assert.equal(status.deadLetters, 0);
  });

  test('a state change lands with the completion, and a second completion of the same receipts applies nothing', async () => {
    const { open } = await store();
    const channel = open();
    await channel.sendEncoded(['s0', 's1', 's2'].map((n) => wireMessage(n)));
    const receipts = receiptsOf(await channel.receiveBatch(3));
    assert.deepEqual(await channel.readState('prometheus'), new Map(), 'no totals before any change');
    await channel.complete(receipts, adding({ requests: 3n, errors: 0n }));
    assert.equal((await channel.status()).inProgress, 0);
    const expected = new Map([['requests', 3n], ['errors', 0n]]);
    assert.deepEqual(await channel.readState('prometheus'), expected, 'a total added 0 exists at 0');
    await channel.complete(receipts, adding({ requests: 3n, errors: 0n }));
    assert.deepEqual(await open().readState('prometheus'), expected, 'applied once, seen by every instance');
    assert.deepEqual(await channel.readState('other-publisher'), new Map(), 'namespaces are apart');
  });

  test('readState picks totals by prefix (taken literally) or by name, and refuses a bad selection', async () => {
    const { open } = await store();
    const channel = open();
    await channel.sendEncoded([wireMessage('select')]);
    const many = Object.fromEntries(Array.from({ length: 25_000 }, (_, i) => [`v|${i}`, BigInt(i + 1)]));
    const others = { 'c|1': 5n, 'v*x': 6n, 'v[ab]': 7n, 'vé|1': 8n, v: 9n };
    await channel.complete(receiptsOf(await channel.receiveBatch(1)), adding({ ...many, ...others }));
    const reader = open();
    const prefixed = await reader.readState('prometheus', { prefix: 'v|' });
    assert.equal(prefixed.size, 25_000);
    assert.equal(prefixed.get('v|24999'), 25_000n);
    assert.deepEqual(await reader.readState('prometheus', { prefix: 'v*' }), new Map([['v*x', 6n]]), 'glob characters are literal');
    assert.deepEqual(await reader.readState('prometheus', { prefix: 'v[' }), new Map([['v[ab]', 7n]]));
    assert.deepEqual(await reader.readState('prometheus', { prefix: 'vé' }), new Map([['vé|1', 8n]]));
    assert.deepEqual(await reader.readState('prometheus', { prefix: 'nothing' }), new Map());
    assert.equal((await reader.readState('prometheus', { prefix: '' })).size, 25_005);
    assert.deepEqual(
      await reader.readState('prometheus', { names: ['c|1', 'v|0', 'absent', 'v'] }),
      new Map([['c|1', 5n], ['v|0', 1n], ['v', 9n]]),
      'the names that exist',
    );
    assert.deepEqual(await reader.readState('prometheus', { names: [] }), new Map());
    assert.deepEqual(await reader.readState('other-publisher', { prefix: 'v' }), new Map(), 'namespaces are apart');
    const bad = [{ prefix: 'v', names: ['v'] }, { prefix: 3 }, { names: 'v' }, {}] as unknown as StateSelection[];
    for (const select of bad) await assert.rejects(reader.readState('prometheus', select), isInvalidArgument(/state selection/));
  });

  test('a total\'s name is kept as any text, read back exactly', async () => {
    const { open } = await store();
    const channel = open();
    await channel.sendEncoded([wireMessage('names')]);
    const names = ['w|["c","naïve ✓ 名前",[["k","\\"quoted\\" | bar"]],""]', 'with\nnewline\tand tab', ' ', '0'];
    await channel.complete(receiptsOf(await channel.receiveBatch(1)), adding(Object.fromEntries(names.map((name, i) => [name, BigInt(i + 1)]))));
    assert.deepEqual(await open().readState('prometheus'), new Map(names.map((name, i) => [name, BigInt(i + 1)])));
  });

  test('with a state change a completion is all or nothing: one message gone means nothing removed, nothing added', async () => {
    const { open } = await store();
    const receiver = open();
    await receiver.sendEncoded(['a0', 'a1', 'a2'].map((n) => wireMessage(n)));
    const batch = await receiver.receiveBatch(3);
    // The nanny of another agent republishes the middle one and completes it first.
    const nanny = open();
    const listed = await nanny.inProgress(10);
    assert.deepEqual(listed.map(nameOf), ['a0', 'a1', 'a2']);
    const [l0, l1, l2] = listed;
    assert.ok(l0 && l1 && l2);
    await nanny.complete([l1.receipt], adding({ messages: 1n }));
    await receiver.complete(receiptsOf(batch), adding({ messages: 3n }));
    assert.deepEqual(await receiver.readState('prometheus'), new Map([['messages', 1n]]), 'the batch added nothing');
    assert.deepEqual((await nanny.inProgress(10)).map(nameOf), ['a0', 'a2'], 'and removed nothing');
    // Completed with a change of their own, each message is counted exactly once.
    await nanny.complete([l0.receipt, l2.receipt], adding({ messages: 2n }));
    assert.deepEqual(await receiver.readState('prometheus'), new Map([['messages', 3n]]));
    assert.equal((await receiver.status()).inProgress, 0);
  });

  test('two agents completing the same messages at once with a state change: it is applied once', async () => {
    const { open } = await store();
    const receiver = open();
    const names = Array.from({ length: 20 }, (_, i) => `r${i}`);
    await receiver.sendEncoded(names.map((n) => wireMessage(n)));
    const batch = await receiver.receiveBatch(20);
    const nanny = open();
    const listed = await nanny.inProgress(20);
    assert.equal(listed.length, 20);
    await Promise.all([
      receiver.complete(receiptsOf(batch), adding({ messages: 20n })),
      nanny.complete(receiptsOf(listed), adding({ messages: 20n })),
    ]);
    assert.deepEqual(await open().readState('prometheus'), new Map([['messages', 20n]]));
    assert.equal((await receiver.status()).inProgress, 0);
  });

  test('totals are exact past 2^53, durable, and kept within 64 bits: a change past that applies nothing', async () => {
    const { open } = await store();
    const first = open();
    await first.sendEncoded(['t0', 't1', 't2', 't3'].map((n) => wireMessage(n)));
    const [t0, t1, t2, t3] = await first.receiveBatch(4);
    assert.ok(t0 && t1 && t2 && t3);
    const beyond = 2n ** 53n + 1n;
    await first.complete([t0.receipt], adding({ small: -5n, big: beyond }));
    await first.close();

    const again = open();
    assert.deepEqual(await again.readState('prometheus'), new Map([['small', -5n], ['big', beyond]]), 'kept by the channel');
    const max = 2n ** 63n - 1n;
    await again.complete([t1.receipt], adding({ big: max - beyond }));
    assert.equal((await again.readState('prometheus')).get('big'), max);

    // `small` would be added first; `big` then overflows: neither changes, the message stays.
    await assert.rejects(again.complete([t2.receipt], adding({ small: 1n, big: 1n })), isInvalidArgument(/64-bit|overflow/));
    assert.deepEqual(await again.readState('prometheus'), new Map([['small', -5n], ['big', max]]));
    await assert.rejects(again.complete([t2.receipt], adding({ small: 2n ** 63n })), isInvalidArgument(/64-bit range; got 9223372036854775808n/));
    assert.deepEqual((await again.inProgress(10)).map(nameOf), ['t2', 't3']);
    await again.complete([t2.receipt, t3.receipt], adding({ small: -(2n ** 63n) + 5n }));
    assert.deepEqual(await again.readState('prometheus'), new Map([['small', -(2n ** 63n)], ['big', max]]));
  });

  test('changes to several namespaces land together, all or nothing; one namespace twice is refused', async () => {
    const { open } = await store();
    const channel = open();
    await channel.sendEncoded(['m0', 'm1', 'm2', 'm3'].map((n) => wireMessage(n)));
    const [m0, m1, m2, m3] = await channel.receiveBatch(4);
    assert.ok(m0 && m1 && m2 && m3);
    const max = 2n ** 63n - 1n;
    const both = (values: bigint, claims: bigint): { stateChange: StateChange[] } => ({
      stateChange: [
        { namespace: 'values', add: new Map([['v', values]]), set: new Map([['g', { value: Number(values), timestamp: values }]]) },
        { namespace: 'claims', add: new Map([['c', claims]]) },
      ],
    });
    await channel.complete([m0.receipt], both(1n, max - 1n));
    assert.deepEqual(await open().readState('values'), new Map([['v', 1n]]));
    assert.deepEqual(await open().readState('claims'), new Map([['c', max - 1n]]));
    assert.deepEqual(await open().readLatest('values'), new Map([['g', { value: 1, timestamp: 1n }]]));
    assert.deepEqual(await open().readLatest('claims'), new Map(), 'a change sets only its own values');

    // The second change overflows: the first one's total and value are not applied either, the message stays.
    await assert.rejects(channel.complete([m1.receipt], both(5n, 2n)), isInvalidArgument(/"values", "claims".*64-bit|64-bit|overflow/));
    assert.deepEqual(await channel.readState('values'), new Map([['v', 1n]]));
    assert.deepEqual(await channel.readLatest('values'), new Map([['g', { value: 1, timestamp: 1n }]]));
    assert.deepEqual(await channel.readState('claims'), new Map([['c', max - 1n]]));

    // One message no longer in progress: neither change applies.
    await channel.complete([m0.receipt, m1.receipt], both(7n, 0n));
    assert.deepEqual(await channel.readState('values'), new Map([['v', 1n]]));
    assert.deepEqual((await channel.inProgress(10)).map(nameOf), ['m1', 'm2', 'm3']);

    const twice = { stateChange: [{ namespace: 'values', add: new Map([['v', 1n]]) }, { namespace: 'values', add: new Map([['w', 1n]]) }] };
    await assert.rejects(channel.complete([m2.receipt], twice), isInvalidArgument(/state namespace "values" has two changes in one completion/));
    await channel.complete([m1.receipt, m2.receipt], both(2n, 1n));
    await channel.complete([m3.receipt], { stateChange: [] });
    assert.deepEqual(await channel.readState('values'), new Map([['v', 3n]]));
    assert.deepEqual(await channel.readState('claims'), new Map([['c', max]]));
    assert.equal((await channel.status()).inProgress, 0);
  });

  test('a bad namespace is refused with the value in the error, by complete (removing nothing) and readState', async () => {
    const { open } = await store();
    const channel = open();
    await channel.sendEncoded([wireMessage('b0')]);
    const receipts = receiptsOf(await channel.receiveBatch(1));
    for (const namespace of ['', 'has space', 'a:b', 'x'.repeat(65), 'prométheus', '*']) {
      const named = new RegExp(`state namespace ${JSON.stringify(namespace).replace(/[*]/g, '\\*')} is not allowed`);
      await assert.rejects(channel.complete(receipts, adding({ n: 1n }, namespace)), isInvalidArgument(named));
      await assert.rejects(channel.readState(namespace), isInvalidArgument(named));
    }
    assert.equal((await channel.status()).inProgress, 1);
    await channel.complete(receipts, adding({ n: 1n }, 'Prometheus_2-a'));
    assert.deepEqual(await channel.readState('Prometheus_2-a'), new Map([['n', 1n]]));
  });
}
