import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent } from '../agent/agent.js';
import type { ChannelStatus } from '../channels/channel.js';
import { SqliteChannel } from '../channels/sqlite/sqlite-channel.js';
import { Kadabra } from '../client/kadabra.js';
import { createLogger } from '../logging/logger.js';
import type { Metrics } from '../metrics/metrics.js';
import { createPublisher } from '../publishers/create-publisher.js';
import { formatMeasurementSummary, formatPublishedTable, publishedPoints } from './published-table.js';
import { RecordingPublisher } from './recording-publisher.js';
import { runDemoWorkload } from './demo-workload.js';

/** Options of `runDemo`. */
export interface DemoOptions {
  /** How long the workload runs, in seconds. */
  readonly seconds: number;
  /** Publish to this InfluxDB (`http(s)://host:port`) instead of the debug publisher. */
  readonly influxdbUrl?: string;
  /** Ends the workload early (Ctrl-C); what was sent is still published and shown. */
  readonly signal?: AbortSignal;
  /** Writes the demo's output. */
  readonly write: (text: string) => void;
  /** Writes warnings of the agent and client (one JSON log line each). */
  readonly warn: (text: string) => void;
}

/** What a demo run did. */
export interface DemoResult {
  /** Rounds of the workload that ran. */
  readonly rounds: number;
  /** Messages the publisher wrote. */
  readonly published: readonly Metrics[];
  /** Lines the debug publisher logged (0 with InfluxDB). */
  readonly debugLines: number;
  /** The channel when the demo ended: anything left was not published. */
  readonly remaining: ChannelStatus;
}

/** Longest wait, after the workload, for the agent to publish what is left. */
const DRAIN_TIMEOUT_MS = 10_000;

/**
 * `kadabra demo`: an agent on an embedded SQLite channel in a temporary directory,
 * publishing with the debug publisher (collected in this process) or to InfluxDB; the
 * sample workload sending to it with the Kadabra client for `seconds`; then the
 * published points as a table. Needs neither Redis nor InfluxDB.
 */
export async function runDemo(options: DemoOptions): Promise<DemoResult> {
  const dir = mkdtempSync(join(tmpdir(), 'kadabra-demo-'));
  const path = join(dir, 'channel.db');
  const logger = createLogger({ level: 'warn', destination: { write: options.warn } });
  let debugLines = 0;
  const inner = options.influxdbUrl
    ? createPublisher('influxdb', { url: options.influxdbUrl, create_database: true }, logger)
    : createPublisher('debug', {}, createLogger({ destination: { write: () => void (debugLines += 1) } }));
  const publisher = new RecordingPublisher(inner);
  const statusChannel = new SqliteChannel({ path }, logger);
  let agent: Agent | undefined;
  try {
    // env {}: the demo is self-contained; KADABRA_* variables meant for a real agent do not apply.
    agent = new Agent(
      {
        AGENT_CHANNEL_TYPE: 'sqlite',
        AGENT_CHANNEL_ARGS: { path },
        AGENT_PUBLISHER_TYPE: options.influxdbUrl ? 'influxdb' : 'debug',
        AGENT_NANNY_FREQUENCY_SECONDS: 1,
        AGENT_NANNY_THRESHOLD_SECONDS: 5,
      },
      { logger, publisher, env: {} },
    );
    const running = agent.start();
    running.catch(() => undefined);
    const client = new Kadabra({}, { logger, channel: new SqliteChannel({ path }, logger) });

    options.write(header(options, path));
    const stopWorkload = new AbortController();
    const timer = setTimeout(() => stopWorkload.abort(), options.seconds * 1000);
    const onAbort = (): void => stopWorkload.abort();
    options.signal?.addEventListener('abort', onAbort, { once: true });
    if (options.signal?.aborted) stopWorkload.abort();
    let rounds: number;
    try {
      rounds = await runDemoWorkload(client, {
        signal: stopWorkload.signal,
        onRound: (r) => options.write(`  round ${r.round}: fibonacci(${r.n}) = ${r.fibonacci}; requests ${r.requests.join(', ')}\n`),
      });
    } finally {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      await client.close();
    }

    const remaining = await drained(statusChannel);
    await agent.stop();
    await running;
    const result: DemoResult = { rounds, published: publisher.published, debugLines, remaining };
    options.write(report(result, options));
    return result;
  } finally {
    await agent?.stop();
    await statusChannel.close();
    await inner.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Waits until the agent has published everything sent (or the drain timeout); the channel's status then. */
async function drained(channel: SqliteChannel): Promise<ChannelStatus> {
  const deadline = Date.now() + DRAIN_TIMEOUT_MS;
  for (;;) {
    const status = await channel.status();
    if ((status.queued === 0 && status.inProgress === 0) || Date.now() > deadline) return status;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function header(options: DemoOptions, path: string): string {
  const publisher = options.influxdbUrl
    ? `influxdb at ${options.influxdbUrl}, database "kadabra" (created if missing)`
    : 'debug, its output collected in this process';
  return [
    'Kadabra demo: the client, the channel and the agent in one process; no Redis or InfluxDB needed.',
    `  channel    sqlite: ${path} (a temporary file, removed at the end)`,
    `  publisher  ${publisher}`,
    `  workload   the original's fibonacci program and 2 request-like handlers, once a second, for ${options.seconds} s`,
    '             (Ctrl-C ends it sooner)',
    '',
    'Sending:',
    '',
  ].join('\n');
}

function report(result: DemoResult, options: DemoOptions): string {
  const points = publishedPoints(result.published);
  const where = options.influxdbUrl ? `to InfluxDB at ${options.influxdbUrl}` : 'by the debug publisher';
  const lines = [
    '',
    `Published ${where}: ${result.published.length} message(s), ${points.length} point(s) ` +
      `from ${result.rounds} round(s) of the workload.`,
    '',
    formatPublishedTable(points),
    'By measurement:',
    formatMeasurementSummary(points),
  ];
  const left = result.remaining.queued + result.remaining.inProgress;
  if (left > 0) {
    lines.push(`${left} message(s) were not published in time (still queued or in progress); see the warnings above.`, '');
  }
  lines.push(
    'Next: run the agent for real with `npx kadabra agent` (Redis, or CLIENT_CHANNEL_TYPE / AGENT_CHANNEL_TYPE "sqlite"),',
    'and see docs/agent.md, docs/channels.md and docs/influxdb.md.',
    '',
  );
  return lines.join('\n');
}
