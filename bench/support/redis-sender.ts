import { Redis } from 'ioredis';
import { Kadabra } from '../../src/client/kadabra.js';
import type { MetricsCollector } from '../../src/client/metrics-collector.js';
import type { BenchContext } from './bench-context.js';
import { benchChannel, type BenchChannelType } from './backlog.js';
import { collectGarbage } from './micro.js';
import { produce, type ProduceResult } from './produce.js';
import { recordTypical } from './typical-message.js';

const CHUNK = 100;
const HIGH_WATER = 20_000;

/** Sustained sending through the Kadabra client, measured three ways per run. */
export interface RedisSendResults {
  /** `close()` + `send()` of collectors recorded beforehand, then `flush()`. */
  readonly closeAndSend: ProduceResult[];
  /** The same at a steady `pacedRate` messages per second. */
  readonly closeAndSendPaced: ProduceResult[];
  /** Recording included: what an application pays per message. */
  readonly recordCloseAndSend: ProduceResult[];
}

/**
 * Sends `total` typical messages per run with the Kadabra client into redis-server (on a
 * channel of `channelType`), in
 * bursts of 100 per event-loop turn, until `flush()` reports every one delivered: as
 * fast as it goes, and (collectors recorded beforehand) at a steady `pacedRate`. Run 0
 * (smaller) warms up and is not reported.
 */
export async function sendThroughKadabra(
  context: BenchContext,
  runs: number,
  total: number,
  pacedRate: number,
  channelType: BenchChannelType = 'redis',
): Promise<RedisSendResults> {
  const channel = benchChannel('send', channelType);
  const client = new Kadabra({
    CLIENT_CHANNEL_TYPE: channelType,
    CLIENT_CHANNEL_ARGS: { host: '127.0.0.1', port: context.servers.redisPort, ...channel.args },
    CLIENT_LOG_LEVEL: 'error',
    CLIENT_FLUSH_TIMEOUT_SECONDS: 300,
  });
  const redis = new Redis({ host: '127.0.0.1', port: context.servers.redisPort });
  const results: RedisSendResults = { closeAndSend: [], closeAndSendPaced: [], recordCloseAndSend: [] };

  const measure = async (count: number, prerecorded: boolean, ratePerSecond?: number): Promise<ProduceResult> => {
    let collectors: (MetricsCollector | undefined)[] = [];
    if (prerecorded) {
      collectors = Array.from({ length: count }, (_, i) => {
        const collector = client.metrics();
        recordTypical(collector, i);
        return collector;
      });
    }
    collectGarbage();
    const before = client.stats();
    const result = await produce({
      total: count,
      chunk: CHUNK,
      send: prerecorded
        ? (i) => {
            client.send((collectors[i] as MetricsCollector).close());
            collectors[i] = undefined;
          }
        : (i) => {
            const collector = client.metrics();
            recordTypical(collector, i);
            client.send(collector.close());
          },
      backlog: () => client.stats().buffered,
      highWater: HIGH_WATER,
      finish: async () => {
        await client.flush();
      },
      ...(ratePerSecond === undefined ? {} : { ratePerSecond }),
    });
    const after = client.stats();
    if (after.delivered - before.delivered !== count || after.dropped !== before.dropped) {
      throw new Error(`Kadabra delivered ${after.delivered - before.delivered} of ${count} (dropped ${after.dropped - before.dropped})`);
    }
    await channel.remove(redis);
    const how = `${prerecorded ? 'close+send' : 'record+close+send'}${ratePerSecond === undefined ? '' : ` paced at ${ratePerSecond} msg/s`}`;
    context.log(
      `encode-send: Kadabra → ${channelType} (${how}): ${Math.round(result.messagesPerSecond)} msg/s, ` +
        `${result.cpuMicrosPerMessage.toFixed(2)} µs CPU/msg, ${result.cores.toFixed(2)} cores, loop p99 ${result.loopDelayP99Ms.toFixed(1)} ms ` +
        `(profile window ${result.windowMicros.join('-')})`,
    );
    return result;
  };

  try {
    await measure(Math.min(total, 20_000), true);
    await measure(Math.min(total, 20_000), false);
    for (let run = 0; run < runs; run += 1) {
      results.closeAndSend.push(await measure(total, true));
      results.closeAndSendPaced.push(await measure(total, true, pacedRate));
      results.recordCloseAndSend.push(await measure(total, false));
    }
  } finally {
    await client.close();
    redis.disconnect();
  }
  return results;
}
