import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { MetricFamily } from '../../../../../src/agent/monitoring/exposition.js';
import { RemoteWriter } from '../../../../../src/publishers/prometheus/remote-write/remote-writer.js';
import type { RemoteWriteReceiverArgs } from '../../../../../src/publishers/prometheus/remote-write/remote-write-args.js';
import { MemoryChannel, MemoryStore } from '../../../../support/memory-channel.js';
import { fakeReceiver } from '../../../../support/fake-remote-write-receiver.js';
import { captureLogger, silentLogger, waitFor } from '../../../agent/helpers.js';

const FAMILIES: MetricFamily[] = [{ name: 'requests_total', help: 'h', type: 'counter', samples: [{ labels: { route: '/a' }, value: '7' }] }];

function writer(channel: MemoryChannel, receivers: RemoteWriteReceiverArgs[], owner: string, logger = silentLogger(), intervalSeconds = 0.05): RemoteWriter {
  return new RemoteWriter({
    receivers,
    intervalSeconds,
    labels: { job: 'test' },
    families: async () => FAMILIES,
    lease: (name, who, ttlMs) => channel.lease(name, who, ttlMs),
    logger,
    owner,
  });
}

describe('RemoteWriter', () => {
  it('pushes from the lease holder only, with the protocol\'s headers and the credentials; the other takes over when it stops', async () => {
    const receiver = await fakeReceiver();
    const store = new MemoryStore();
    const args = [{ url: receiver.url, bearer_token: 'sekrit-token', headers: { 'X-Scope-OrgID': 'tenant-1' } }];
    const first = writer(new MemoryChannel({ store }), args, 'first');
    const second = writer(new MemoryChannel({ store }), args, 'second');
    const running = [first.start(), second.start()];
    try {
      await waitFor(() => receiver.received.length >= 5, 'five pushes');
      const holder = store.leases.get('prometheus-remote-write')?.owner;
      assert.ok(holder === 'first' || holder === 'second', String(holder));
      const [push] = receiver.received;
      assert.ok(push);
      assert.equal(push.headers['content-encoding'], 'snappy');
      assert.equal(push.headers['content-type'], 'application/x-protobuf');
      assert.equal(push.headers['x-prometheus-remote-write-version'], '0.1.0');
      assert.equal(push.headers['authorization'], 'Bearer sekrit-token');
      assert.equal(push.headers['x-scope-orgid'], 'tenant-1');
      assert.deepEqual(push.series.map((one) => [one.labels, one.samples.map((sample) => sample.value)]), [
        [[['__name__', 'requests_total'], ['job', 'test'], ['route', '/a']], [7]],
      ]);
      // Only one writer pushes at a time: the snapshots' timestamps never go back.
      const times = receiver.received.map((one) => one.series[0]?.samples[0]?.timestampMs ?? 0);
      assert.deepEqual(times, [...times].sort((a, b) => a - b));

      const [stopping, other] = holder === 'first' ? [first, second] : [second, first];
      await stopping.stop();
      assert.equal(store.leases.has('prometheus-remote-write'), false, 'a writer that stops gives the lease up');
      const before = receiver.received.length;
      await waitFor(() => receiver.received.length >= before + 3, 'the other writer to push');
      assert.notEqual(store.leases.get('prometheus-remote-write')?.owner, holder);
      await other.stop();
    } finally {
      await Promise.all([first.stop(), second.stop()]);
      await Promise.all(running);
      await receiver.close();
    }
  });

  it('sends a snapshot of many series as several requests of at most seriesPerRequest series', async () => {
    const receiver = await fakeReceiver();
    const families: MetricFamily[] = [
      { name: 'n_total', help: 'h', type: 'counter', samples: [1, 2, 3, 4, 5].map((i) => ({ labels: { i: String(i) }, value: i })) },
    ];
    const remote = new RemoteWriter({
      receivers: [{ url: receiver.url }],
      intervalSeconds: 60,
      labels: {},
      families: async () => families,
      lease: async () => true,
      logger: silentLogger(),
      seriesPerRequest: 2,
    });
    const running = remote.start();
    try {
      await waitFor(() => receiver.received.length >= 3, 'the three requests of the first snapshot');
      assert.deepEqual(receiver.received.map((one) => one.series.length), [2, 2, 1]);
      const values = receiver.received.flatMap((one) => one.series.map((series) => series.samples[0]?.value));
      assert.deepEqual(values, [1, 2, 3, 4, 5]);
      assert.equal(new Set(receiver.received.flatMap((one) => one.series.map((series) => series.samples[0]?.timestampMs))).size, 1);
    } finally {
      await remote.stop();
      await running;
      await receiver.close();
    }
  });

  it('retries a snapshot the receiver cannot take now (503), and sends a refused one (400) once, naming the fix', async () => {
    const flaky = await fakeReceiver((n) => (n < 2 ? 503 : 204));
    const refusing = await fakeReceiver(() => 400);
    const { logger, lines } = captureLogger('info');
    // An interval long enough for the first retries (after 125 to 250 ms, then twice that) to fall within it.
    const remote = writer(new MemoryChannel(), [{ url: flaky.url }, { url: refusing.url }], 'only', logger, 1);
    const running = remote.start();
    try {
      await waitFor(() => flaky.received.length >= 4 && refusing.received.length >= 3, 'pushes to both receivers', 20_000);
      const flakyTimes = flaky.received.map((one) => one.series[0]?.samples[0]?.timestampMs);
      assert.equal(flakyTimes[0], flakyTimes[1], 'the snapshot refused with 503 was sent again');
      const refusedTimes = refusing.received.map((one) => one.series[0]?.samples[0]?.timestampMs);
      assert.equal(new Set(refusedTimes).size, refusedTimes.length, 'each snapshot refused with 400 was sent once');
      const warning = lines.find((line) => line.msg?.includes('cannot take pushes now') === true);
      assert.match(String(warning?.['reason']), /HTTP 503/);
      const refusal = lines.find((line) => line.msg?.includes('refused a push') === true);
      assert.equal(refusal?.['receiver'], refusing.url);
      assert.match(String(refusal?.['reason']), /HTTP 400: answer 400: out of order sample/);
      assert.match(String(refusal?.['fix']), /another writer sends them too/);
      assert.equal(lines.filter((line) => line.msg?.includes('refused a push') === true).length, 1, 'a refusal is logged once a minute, not every push');
      assert.ok(lines.some((line) => line.msg?.includes('takes pushes again') === true));
    } finally {
      await remote.stop();
      await running;
      await Promise.all([flaky.close(), refusing.close()]);
    }
  });
});
