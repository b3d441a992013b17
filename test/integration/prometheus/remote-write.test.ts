// The Prometheus publisher's remote write into a real Prometheus 2.42
// (--web.enable-remote-write-receiver) and a real VictoriaMetrics (/api/v1/write), beside
// a receiver that is down and one that refuses: what each real server stores equals,
// series for series and value for value, what the channel's totals say, and those equal
// what was sent.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Agent } from '../../../src/agent/agent.js';
import { RedisChannel } from '../../../src/channels/redis/redis-channel.js';
import { Kadabra } from '../../../src/client/kadabra.js';
import { Units } from '../../../src/metrics/unit.js';
import { PrometheusPublisher } from '../../../src/publishers/prometheus/prometheus-publisher.js';
import { remoteWriteSeries } from '../../../src/publishers/prometheus/remote-write/remote-write-series.js';
import { freePort } from '../../support/process-rig.js';
import { startPrometheus, type PrometheusHandle } from '../../support/prometheus-server.js';
import { startRedisServer, uniqueKeys, type RedisServerHandle } from '../../support/redis-server.js';
import { startVictoriaMetrics, type VictoriaMetricsHandle } from '../../support/victoria-metrics-server.js';
import { waitFor } from '../../support/wait-for.js';
import { captureLogger, silentLogger } from '../../unit/agent/helpers.js';

const MESSAGES = 300;
const JOB = 'kadabra-remote-write-test';

/** A series as `name{label="value",...}` with its labels sorted, to compare sets of series. */
function seriesKey(labels: Readonly<Record<string, string>>): string {
  return JSON.stringify(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

describe('remote write into real Prometheus and VictoriaMetrics', () => {
  let redis: RedisServerHandle;
  let prometheus: PrometheusHandle;
  let victoria: VictoriaMetricsHandle;
  before(async () => {
    [redis, prometheus, victoria] = await Promise.all([
      startRedisServer(),
      startPrometheus({ remoteWriteReceiver: true }),
      startVictoriaMetrics(),
    ]);
  });
  after(async () => {
    await Promise.all([redis.dispose(), prometheus.dispose(), victoria.dispose()]);
  });

  it('stores exactly the series of the channel\'s totals; a receiver that is down or refuses holds back neither', { timeout: 90_000 }, async () => {
    const channelArgs = { host: '127.0.0.1', port: redis.port, ...uniqueKeys('remote-write') };
    const downPort = await freePort();
    const { logger, lines } = captureLogger('info');
    const publisher = new PrometheusPublisher({
      args: {
        buckets: [0.005, 0.01, 0.1],
        remote_write: [
          { url: `${prometheus.url}/api/v1/write` },
          { url: `${victoria.url}/api/v1/write`, headers: { 'X-Test': 'kadabra' } },
          { url: `http://127.0.0.1:${downPort}/api/v1/write`, timeout: 1 },
          { url: `${prometheus.url}/api/v1/no-such-path` },
        ],
        remote_write_interval: 0.5,
        remote_write_labels: { job: JOB },
      },
      logger,
    });
    const channel = new RedisChannel(channelArgs, silentLogger());
    const agent = new Agent({ AGENT_NANNY_FREQUENCY_SECONDS: 0.2 }, { channel, publisher, logger, env: {} });
    const running = agent.start();
    const client = new Kadabra({ CLIENT_CHANNEL_ARGS: channelArgs, CLIENT_LOG_LEVEL: 'warn' });
    try {
      for (let i = 0; i < MESSAGES; i += 1) {
        const metrics = client.metrics();
        metrics.setDimension('route', i % 3 === 0 ? '/a' : '/b "quoted" \\ back\nslash');
        metrics.setDimension('empty', '');
        metrics.addCount('requests', 1);
        metrics.addCount('api.bytes', 0.25);
        metrics.setTimer('work', i % 17, Units.MILLISECONDS);
        client.send(metrics.close());
      }
      assert.equal((await client.close()).delivered, MESSAGES);

      // The channel's totals, read as a second agent would: what /metrics serves, and what was sent.
      const reader = new PrometheusPublisher({ args: { buckets: [0.005, 0.01, 0.1] }, logger: silentLogger() });
      reader.useChannelState((namespace, select) => channel.readState(namespace, select), (namespace) => channel.readLatest(namespace));
      await waitFor(async () => {
        const families = await reader.seriesFamilies();
        const requests = families.find((family) => family.name === 'requests_total');
        return requests?.samples.reduce((sum, sample) => sum + Number(sample.value), 0) === MESSAGES;
      }, 'every message counted in the channel', 30_000, () => '', 50);
      const expected = new Map(
        remoteWriteSeries(await reader.seriesFamilies(), 0, { job: JOB }).map((series) => [
          seriesKey(Object.fromEntries(series.labels)),
          series.samples[0]?.value,
        ]),
      );
      // Two routes, each: two counters and their _created, a histogram (4 buckets, _sum, _count) and its _created.
      assert.equal(expected.size, 2 * (2 * 2 + 7));
      assert.equal(expected.get(seriesKey({ __name__: 'requests_total', empty: '␛', job: JOB, route: '/a' })), MESSAGES / 3);
      assert.equal(expected.get(seriesKey({ __name__: 'U__api_2e_bytes_total', empty: '␛', job: JOB, route: '/a' })), (MESSAGES / 3) * 0.25);
      assert.equal(expected.get(seriesKey({ __name__: 'work_seconds_count', empty: '␛', job: JOB, route: '/a' })), MESSAGES / 3);
      assert.ok(expected.has(seriesKey({ __name__: 'requests_created', empty: '␛', job: JOB, route: '/a' })), 'each series\' creation time is a series');

      // Prometheus: every series, with the value of the last push.
      let stored = new Map<string, number>();
      const prometheusStored = async (): Promise<Map<string, number>> =>
        new Map((await prometheus.queryVector(`{job="${JOB}"}`)).map((one) => [seriesKey(one.metric), Number(one.value)]));
      await waitFor(
        async () => {
          stored = await prometheusStored();
          return stored.size === expected.size && [...expected].every(([key, value]) => stored.get(key) === value);
        },
        'Prometheus to hold exactly the channel\'s series and totals',
        30_000,
        () => `expected ${JSON.stringify([...expected])}\nstored ${JSON.stringify([...stored])}`,
        250,
      );
      assert.equal(await prometheus.queryValue(`sum(requests_total{job="${JOB}"})`), MESSAGES);
      assert.equal(await prometheus.queryValue(`sum(work_seconds_bucket{job="${JOB}",le="+Inf"})`), MESSAGES);

      // VictoriaMetrics: the same series, each with its last value.
      let exported = new Map<string, number>();
      await waitFor(
        async () => {
          exported = new Map(
            (await victoria.exportSeries(`{job="${JOB}"}`)).map((one) => [seriesKey(one.metric), one.values[one.values.length - 1] ?? Number.NaN]),
          );
          return exported.size === expected.size && [...expected].every(([key, value]) => exported.get(key) === value);
        },
        'VictoriaMetrics to hold exactly the channel\'s series and totals',
        30_000,
        () => `expected ${JSON.stringify([...expected])}\nexported ${JSON.stringify([...exported])}`,
        250,
      );

      // The receiver that is down is retried with backoff; the one that refuses (404) is named with the fix.
      const down = lines.find((line) => line.msg?.includes('cannot take pushes now') === true && String(line['receiver']).includes(String(downPort)));
      assert.ok(down, 'the receiver that is down was logged');
      const refused = lines.find((line) => line.msg?.includes('refused a push') === true);
      assert.ok(refused, 'the refusing receiver was logged');
      assert.match(String(refused['receiver']), /no-such-path/);
      assert.match(String(refused['fix']), /--web\.enable-remote-write-receiver/);
    } finally {
      await agent.stop();
      await running;
      await publisher.close();
      await channel.close();
    }
  });
});
