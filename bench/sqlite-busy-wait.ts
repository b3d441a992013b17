// How much an app's event loop suffers while another connection holds the SQLite
// channel's write lock: event-loop delay p99 of an app sending through the client during
// the lock, against the same app sending with no lock held, in one run.
// Run: npm run build && node dist/bench/sqlite-busy-wait.js [--lock-seconds=8] [--runs=3]
// (standalone: not part of `npm run bench`, which covers the Redis paths).
import { createRequire } from 'node:module';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import type BetterSqlite3 from 'better-sqlite3';
import { SqliteChannel } from '../src/channels/sqlite/sqlite-channel.js';
import { Kadabra } from '../src/client/kadabra.js';
import { createLogger } from '../src/logging/logger.js';
import { median } from './support/stats.js';

const Database = createRequire(import.meta.url)('better-sqlite3') as typeof BetterSqlite3;

function option(name: string, fallback: number): number {
  const given = process.argv.find((arg) => arg.startsWith(`--${name}=`));
  return given === undefined ? fallback : Number(given.slice(name.length + 3));
}

/**
 * Event-loop delay p99 and maximum (ms) of an app that records and sends a metric every
 * 5 ms through the client (which keeps one write in flight and buffers the rest) for
 * `seconds`, while another connection holds the write lock, or not.
 */
async function delayWhileSending(path: string, seconds: number, locked: boolean): Promise<{ p99: number; max: number }> {
  const setup = new SqliteChannel({ path }, createLogger({ level: 'silent' }));
  await setup.status();
  await setup.close();
  const client = new Kadabra(
    { CLIENT_CHANNEL_TYPE: 'sqlite', CLIENT_CHANNEL_ARGS: { path, busy_timeout: seconds + 5 }, CLIENT_FLUSH_TIMEOUT_SECONDS: seconds + 10 },
    { logger: createLogger({ level: 'silent' }) },
  );
  const holder = new Database(path);
  if (locked) holder.prepare('BEGIN IMMEDIATE').run();
  const histogram = monitorEventLoopDelay({ resolution: 1 });
  histogram.enable();
  const deadline = Date.now() + seconds * 1000;
  while (Date.now() < deadline) {
    const metrics = client.metrics();
    metrics.addCount('requests', 1);
    client.send(metrics.close());
    await sleep(5);
  }
  histogram.disable();
  if (locked) holder.prepare('COMMIT').run();
  holder.close();
  await client.close();
  return { p99: histogram.percentile(99) / 1e6, max: histogram.max / 1e6 };
}

async function main(): Promise<void> {
  const lockSeconds = option('lock-seconds', 8);
  const runs = option('runs', 3);
  const dir = mkdtempSync(join(tmpdir(), 'kadabra-busy-'));
  const free: number[] = [];
  const locked: number[] = [];
  const lockedMax: number[] = [];
  try {
    for (let run = 0; run < runs; run += 1) {
      free.push((await delayWhileSending(join(dir, `free-${run}.db`), lockSeconds, false)).p99);
      const result = await delayWhileSending(join(dir, `locked-${run}.db`), lockSeconds, true);
      locked.push(result.p99);
      lockedMax.push(result.max);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const freeMedian = median(free);
  const lockedMedian = median(locked);
  console.log(
    `event-loop delay p99 of an app sending a metric every 5 ms for ${lockSeconds} s (median of ${runs} runs): ` +
      `no lock ${freeMedian.toFixed(1)} ms, another connection holding the write lock ${lockedMedian.toFixed(1)} ms ` +
      `(ratio ${(lockedMedian / freeMedian).toFixed(2)}; worst single delay under the lock ${median(lockedMax).toFixed(1)} ms)`,
  );
}

await main();
