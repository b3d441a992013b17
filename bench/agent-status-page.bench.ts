import { Redis } from 'ioredis';
import { AgentStats } from '../src/agent/monitoring/agent-stats.js';
import { RecentDeadLetters } from '../src/agent/monitoring/status/recent-dead-letters.js';
import { statusDocument, statusJson } from '../src/agent/monitoring/status/status-document.js';
import { HISTORY_CAPACITY, HISTORY_INTERVAL_SECONDS, StatusHistory } from '../src/agent/monitoring/status/status-history.js';
import { MemoryChannel } from '../test/support/memory-channel.js';
import { freePort } from '../test/support/process-rig.js';
import { formatRatio, formatValue, type BenchRow } from './support/bench-row.js';
import type { BenchContext } from './support/bench-context.js';
import { AGENT_CONFIGS } from './support/agent-configs.js';
import { typicalMessages } from './support/backlog.js';
import { drainWithAgent, type DrainResult } from './support/drain.js';
import { runIfMain } from './support/run-bench-main.js';
import { median } from './support/stats.js';

const TOKEN = 'bench-status-page-token';
/** What the page does: one poll of each every second. */
const POLL_MS = 1000;

/** A client that GETs /status.json and /metrics from `port` every second until stopped; counts the answers. */
function startPolling(port: number): { stop(): number } {
  let answered = 0;
  const headers = { Authorization: `Bearer ${TOKEN}` };
  const poll = async (): Promise<void> => {
    for (const path of ['/status.json', '/metrics']) {
      try {
        const response = await fetch(`http://127.0.0.1:${port}${path}`, { headers });
        await response.arrayBuffer();
        if (response.ok) answered += 1;
      } catch {
        // Not listening yet (the agent is starting) or already gone.
      }
    }
  };
  const timer = setInterval(() => void poll(), POLL_MS);
  return {
    stop() {
      clearInterval(timer);
      return answered;
    },
  };
}

/** Milliseconds to build `/status.json` from a full hour of history (a dead letter class, every sample with attempts), and its bytes. */
async function fullHourStatusJson(repeats: number): Promise<{ ms: number; bytes: number }> {
  let wall = 0;
  const stats = new AgentStats();
  const channel = new MemoryChannel();
  const history = new StatusHistory({ stats, channel, wallClock: () => wall });
  history.start();
  history.stop();
  for (let i = 0; i < HISTORY_CAPACITY; i += 1) {
    wall += HISTORY_INTERVAL_SECONDS * 1000;
    stats.received += 100;
    stats.published += 100;
    stats.deadLetter('refused');
    stats.attempt('published', stats.now() - 3);
    await history.sample();
  }
  const sources = { stats, history, deadLetters: new RecentDeadLetters(channel), configuration: {}, channel: channel.describe(), startedAtMs: 0 };
  let bytes = 0;
  for (let i = 0; i < 20; i += 1) bytes = statusJson(await statusDocument(sources)).length;
  const times: number[] = [];
  for (let i = 0; i < repeats; i += 1) {
    const start = performance.now();
    statusJson(await statusDocument(sources));
    times.push(performance.now() - start);
  }
  return { ms: median(times), bytes };
}

/**
 * The default agent draining the same backlog with its HTTP listener off, and on with a
 * client polling `/status.json` and `/metrics` every second as the open status page
 * does: interleaved runs (off, on, off, on...) in one invocation, so a busy spell on the
 * shared machine hits both alike; the ratio of the medians and the spread of the
 * paired ratios.
 */
export async function agentStatusPageBench(context: BenchContext): Promise<BenchRow[]> {
  const count = context.smoke ? 1_000 : 200_000;
  const runs = context.smoke ? 1 : 5;
  const messages = typicalMessages(count);
  const redis = new Redis({ host: '127.0.0.1', port: context.servers.redisPort });
  const off: DrainResult[] = [];
  const on: DrainResult[] = [];
  let polls = 0;
  try {
    for (let run = 0; run < runs; run += 1) {
      off.push(await drainWithAgent(context, redis, 'page_off', messages, AGENT_CONFIGS.default));
      const port = await freePort();
      const polling = startPolling(port);
      try {
        on.push(
          await drainWithAgent(context, redis, 'page_on', messages, { ...AGENT_CONFIGS.default, AGENT_HTTP_PORT: port, AGENT_HTTP_TOKEN: TOKEN }),
        );
      } finally {
        polls += polling.stop();
      }
      context.log(
        `agent-status-page: run ${run}: listener off ${Math.round(off.at(-1)?.pointsPerSecond ?? 0)} points/s, ` +
          `on and polled ${Math.round(on.at(-1)?.pointsPerSecond ?? 0)} points/s`,
      );
    }
  } finally {
    redis.disconnect();
  }
  const build = await fullHourStatusJson(context.smoke ? 5 : 200);
  const offRate = median(off.map((r) => r.pointsPerSecond));
  const onRate = median(on.map((r) => r.pointsPerSecond));
  const paired = on.map((r, i) => r.pointsPerSecond / (off[i]?.pointsPerSecond ?? Number.NaN));
  const bench = 'agent-status-page';
  return [
    {
      bench,
      figure: `default agent, listener on, /status.json + /metrics polled every 1 s, ${count.toLocaleString('en-US')} msgs (points/s, median of ${runs})`,
      ours: formatValue(onRate, 'points/s'),
      peer: `listener off: ${formatValue(offRate, 'points/s')}`,
      ratio: formatRatio(onRate, offRate),
      value: onRate,
    },
    {
      bench,
      figure: `  paired runs on/off: spread of the ${runs} ratios (min to max); ${polls} polls answered`,
      ours: `${formatRatio(Math.min(...paired), 1)} to ${formatRatio(Math.max(...paired), 1)}`,
      value: median(paired),
    },
    {
      bench,
      figure: `  building /status.json from a full hour (${HISTORY_CAPACITY} samples, ${formatValue(build.bytes / 1024, 'KiB')})`,
      ours: formatValue(build.ms, 'ms'),
      value: build.ms,
    },
  ];
}

runIfMain(import.meta.url, agentStatusPageBench);
