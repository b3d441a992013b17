import { InfluxDB, Point, type WriteApi } from '@influxdata/influxdb-client';
import { nowMicrosNumber } from '../../src/time/clock.js';
import type { BenchContext } from './bench-context.js';
import { dropDatabase, freshDatabase } from './influx-http.js';
import { produce, type ProduceResult } from './produce.js';
import { spawnScript } from './spawn-script.js';
import { POINTS_PER_MESSAGE } from './typical-message.js';

const CHUNK = 100;
const HIGH_WATER = 20_000;
const DATABASE = 'bench_direct';

/** The typical message's points, as an application writing to InfluxDB directly would make them. */
function writeTypicalPoints(writeApi: WriteApi, i: number): void {
  const tagged = (name: string): Point => new Point(name).tag('service', 'checkout').tag('region', 'eu-west-1');
  writeApi.writePoint(
    tagged('latency').floatField('value', 12.5 + (i % 100) / 8).stringField('unit', 'milliseconds').timestamp(nowMicrosNumber()),
  );
  writeApi.writePoint(tagged('requests').floatField('value', 1).stringField('route', 'GET /orders').timestamp(nowMicrosNumber()));
  writeApi.writePoint(tagged('errors').floatField('value', i % 50 === 0 ? 1 : 0).timestamp(nowMicrosNumber()));
  writeApi.writePoint(tagged('bytes').floatField('value', 512 + (i % 1024)).timestamp(nowMicrosNumber()));
}

/**
 * The "write directly" alternative: `@influxdata/influxdb-client`'s buffered WriteApi
 * (`writePoint`, 5,000-line gzip batches) writing the typical message's points into
 * influxd, through a v2-to-v1 shim in its own process (influxd 1.6 lacks the 2.x API).
 * Same bursts and backpressure as the Kadabra sender; run 0 (smaller) warms up.
 */
export async function writeDirectly(context: BenchContext, runs: number, total: number): Promise<ProduceResult[]> {
  const proxy = await spawnScript(new URL('./v2-write-proxy.js', import.meta.url), [context.servers.influxUrl]);
  const results: ProduceResult[] = [];
  try {
    await freshDatabase(context.servers.influxUrl, DATABASE);
    let written = 0;
    let failed = 0;
    let produced = 0;
    const writeApi = new InfluxDB({ url: `http://127.0.0.1:${proxy.firstLine.replace('port ', '')}` }).getWriteApi('', DATABASE, 'us', {
      batchSize: 5000,
      flushInterval: 1000,
      maxRetries: 3,
      writeSuccess: (lines) => {
        written += lines.length;
      },
      writeFailed: (_error, lines) => {
        failed += lines.length;
      },
    });
    for (let run = 0; run <= runs; run += 1) {
      const result = await produce({
        total: run === 0 ? Math.min(total, 5_000) : total,
        chunk: CHUNK,
        send: (i) => {
          writeTypicalPoints(writeApi, i);
          produced += POINTS_PER_MESSAGE;
        },
        backlog: () => (produced - written - failed) / POINTS_PER_MESSAGE,
        highWater: HIGH_WATER,
        finish: async () => {
          // flush() sends what is buffered but does not wait for batches already in flight.
          await writeApi.flush();
          while (written + failed < produced) await new Promise((resolve) => setTimeout(resolve, 1));
        },
      });
      if (failed > 0) throw new Error(`influxdb-client failed to write ${failed} points`);
      if (run > 0) results.push(result);
      context.log(
        `encode-send: influxdb-client → influxd run ${run}: ${Math.round(result.messagesPerSecond)} msg/s, ` +
          `${result.cpuMicrosPerMessage.toFixed(2)} µs CPU/msg, loop p99 ${result.loopDelayP99Ms.toFixed(1)} ms`,
      );
    }
    await writeApi.close();
    await dropDatabase(context.servers.influxUrl, DATABASE);
  } finally {
    await proxy.stop();
  }
  return results;
}
