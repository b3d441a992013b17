import { Registry, Counter as PromClientCounter } from 'prom-client';
import { renderExposition } from '../src/agent/monitoring/exposition.js';
import { publishAndSettle } from '../src/agent/publish-and-settle.js';
import { RedisChannel } from '../src/channels/redis/redis-channel.js';
import { createLogger } from '../src/logging/logger.js';
import { Counter } from '../src/metrics/counter.js';
import { Dimension } from '../src/metrics/dimension.js';
import { Metrics } from '../src/metrics/metrics.js';
import { CLAIMS_SETTLE_MS, PrometheusPublisher } from '../src/publishers/prometheus/prometheus-publisher.js';
import { uniqueKeys } from '../test/support/redis-server.js';
import { waitFor } from '../test/support/wait-for.js';
import { typicalMessages } from './support/backlog.js';
import { formatRatio, formatValue, type BenchRow } from './support/bench-row.js';
import type { BenchContext } from './support/bench-context.js';
import { runIfMain } from './support/run-bench-main.js';
import { median } from './support/stats.js';
import { POINTS_PER_MESSAGE } from './support/typical-message.js';

/** A scrape of 10,000 series must take at most this (median). */
const TARGET_SCRAPE_MS = 100;
const METRICS = 10;

/**
 * A channel on the bench's redis-server, once it answers: a channel's command waits only
 * 1 s for its connection, which a loaded machine can take longer to make.
 */
async function open(context: BenchContext): Promise<RedisChannel> {
  const channel = new RedisChannel({ host: '127.0.0.1', port: context.servers.redisPort, ...uniqueKeys('bench_prom') }, createLogger({ level: 'silent' }));
  await waitFor(() => channel.status().then(() => true, () => false), `redis-server on port ${context.servers.redisPort} to answer`, 30_000, () => '', 100);
  return channel;
}

/** Publishes everything queued on `channel` through `publisher` as the default agent's workers do (batches of 250). */
async function drain(channel: RedisChannel, publisher: PrometheusPublisher): Promise<void> {
  const logger = createLogger({ level: 'silent' });
  for (;;) {
    const items = await channel.receiveBatch(250);
    if (items.length === 0) return;
    const attempt = await publishAndSettle(channel, publisher, items, logger);
    if (attempt.status !== 'published' || attempt.completed !== items.length) throw new Error(`a batch was not completed: ${JSON.stringify(attempt)}`);
  }
}

async function timeMs(run: () => Promise<unknown>, runs: number): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < runs + 2; i += 1) {
    const start = performance.now();
    await run();
    if (i >= 2) times.push(performance.now() - start);
  }
  return median(times);
}

/**
 * The Prometheus publisher: folding throughput (typical messages folded and completed
 * against redis-server, in this process, until every point is counted), and one scrape of
 * 10,000 counter series (read from Redis and rendered) against prom-client's
 * `registry.metrics()` of the same 10,000 series in the same process.
 */
export async function prometheusScrapeBench(context: BenchContext): Promise<BenchRow[]> {
  const count = context.smoke ? 200 : 50_000;
  const series = context.smoke ? 100 : 10_000;
  const runs = context.smoke ? 1 : 20;
  const bench = 'prometheus-scrape';
  const rows: BenchRow[] = [];

  const foldChannel = await open(context);
  const foldRates: number[] = [];
  try {
    const messages = typicalMessages(count);
    for (let run = 0; run < (context.smoke ? 1 : 3); run += 1) {
      for (let i = 0; i < messages.length; i += 5000) await foldChannel.sendEncoded(messages.slice(i, i + 5000));
      const publisher = new PrometheusPublisher({ logger: createLogger({ level: 'silent' }) });
      publisher.useChannelState((namespace, select) => foldChannel.readState(namespace, select), (namespace) => foldChannel.readLatest(namespace));
      const start = performance.now();
      await drain(foldChannel, publisher);
      foldRates.push((count * POINTS_PER_MESSAGE) / ((performance.now() - start) / 1000));
      context.log(`prometheus-scrape: fold run ${run}: ${Math.round(foldRates.at(-1) ?? 0)} points/s`);
    }
  } finally {
    await foldChannel.close();
  }
  const foldRate = median(foldRates);
  rows.push({
    bench,
    figure: `fold ${count.toLocaleString('en-US')} typical msgs into totals on redis, batches of 250, one process (points/s)`,
    ours: formatValue(foldRate, 'points/s'),
    value: foldRate,
  });

  const channel = await open(context);
  try {
    const publisher = new PrometheusPublisher({ logger: createLogger({ level: 'silent' }), args: { max_series: series * 2 } });
    publisher.useChannelState((namespace, select) => channel.readState(namespace, select), (namespace) => channel.readLatest(namespace));
    const perMetric = series / METRICS;
    for (let i = 0; i < series; i += 1) {
      await channel.send(new Metrics([new Dimension('route', `/route/${i % perMetric}`)], [new Counter(`requests_${Math.floor(i / perMetric)}`, 0n, {}, 1)], []));
    }
    await drain(channel, publisher);
    // A restarted agent's first scrape: it also reads every series' creation claims.
    const firstScrapes: number[] = [];
    for (let i = 0; i < (context.smoke ? 1 : 5); i += 1) {
      const restarted = new PrometheusPublisher({ logger: createLogger({ level: 'silent' }), args: { max_series: series * 2 } });
      restarted.useChannelState((namespace, select) => channel.readState(namespace, select), (namespace) => channel.readLatest(namespace));
      await restarted.prepare();
      const start = performance.now();
      renderExposition(await restarted.seriesFamilies());
      firstScrapes.push(performance.now() - start);
    }
    const firstScrape = median(firstScrapes);
    // The steady scrape: once the series are older than the time another agent's creation
    // claim may still land, their claims are no longer read (a smoke run does not wait).
    if (!context.smoke) await new Promise((resolve) => setTimeout(resolve, CLAIMS_SETTLE_MS + 1000));
    const scrape = async (): Promise<string> => renderExposition(await publisher.seriesFamilies());
    const text = await scrape();
    const exposed = text.split('\n').filter((line) => line.startsWith('requests_') && line.includes('_total{')).length;
    if (exposed !== series) throw new Error(`the scrape exposed ${exposed} series, not ${series}`);
    const ours = await timeMs(scrape, runs);

    const registry = new Registry();
    for (let m = 0; m < METRICS; m += 1) {
      const counter = new PromClientCounter({ name: `requests_${m}_total`, help: 'Requests.', labelNames: ['route'], registers: [registry] });
      for (let r = 0; r < perMetric; r += 1) counter.inc({ route: `/route/${r}` });
    }
    const peer = await timeMs(() => registry.metrics(), runs);
    rows.push({
      bench,
      figure: `scrape of ${series.toLocaleString('en-US')} series (values read from Redis + render), median of ${runs}`,
      ours: formatValue(ours, 'ms'),
      peer: `prom-client registry.metrics(): ${formatValue(peer, 'ms')}`,
      ratio: formatRatio(ours, peer),
      target: `≤ ${TARGET_SCRAPE_MS} ms`,
      met: ours <= TARGET_SCRAPE_MS,
      value: ours,
    });
    rows.push({
      bench,
      figure: `↳ an agent's first scrape of the same series (also reads their creation claims), median of ${firstScrapes.length}`,
      ours: formatValue(firstScrape, 'ms'),
      value: firstScrape,
    });
  } finally {
    await channel.close();
  }
  return rows;
}

runIfMain(import.meta.url, prometheusScrapeBench);
