import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Redis } from 'ioredis';
import { Kadabra } from '../../src/client/kadabra.js';
import { parseLogLine, type LogLine } from '../support/log-line.js';
import { waitFor } from '../support/wait-for.js';

/** The compiled CLI entry. Tests run from the repository root. */
export const CLI = resolve('dist/src/cli/main.js');

/** Short timings so process tests run in seconds. */
export const FAST_AGENT = Object.freeze({
  AGENT_NANNY_FREQUENCY_SECONDS: 0.2,
  AGENT_NANNY_THRESHOLD_SECONDS: 0.2,
  BATCHED_AGENT_INTERVAL_SECONDS: 0.2,
});

/** Channel arguments pointing at a test server with this test's own keys. */
export interface TestChannelArgs {
  readonly port: number;
  readonly host: string;
  readonly queue_key: string;
  readonly inprogress_key: string;
  readonly dead_key: string;
  readonly password?: string;
}

/** Writes a JSON configuration file and returns its path. */
export function writeConfig(config: Record<string, unknown>): string {
  const path = join(mkdtempSync(join(tmpdir(), 'kadabra-agent-')), 'config.json');
  writeFileSync(path, JSON.stringify(config));
  return path;
}

export type { LogLine } from '../support/log-line.js';
export { waitFor } from '../support/wait-for.js';

/** A running `kadabra agent` child process and what it printed. */
export class AgentProcess {
  readonly lines: LogLine[] = [];
  stdout = '';
  stderr = '';
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private readonly child: ChildProcess;

  /**
   * @param args arguments of the `kadabra` CLI.
   * @param env extra environment.
   * @param script run this script instead of the CLI (with `scriptEnv`).
   */
  constructor(args: string[], env: NodeJS.ProcessEnv = {}, script?: string[], scriptEnv: NodeJS.ProcessEnv = {}) {
    const argv = script ?? [CLI, ...args];
    this.child = spawn(process.execPath, argv, {
      env: { PATH: process.env['PATH'], ...env, ...scriptEnv },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let pending = '';
    this.child.stdout?.on('data', (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      this.stdout += text;
      pending += text;
      const parts = pending.split('\n');
      pending = parts.pop() ?? '';
      for (const part of parts) {
        const line = parseLogLine(part);
        if (line) this.lines.push(line);
      }
    });
    this.child.stderr?.on('data', (chunk: Buffer) => (this.stderr += chunk.toString('utf8')));
    this.exited = new Promise((done) => this.child.once('exit', (code, signal) => done({ code, signal })));
  }

  /** Starts `kadabra agent --config <file>` with `config`. */
  static start(config: Record<string, unknown>): AgentProcess {
    return new AgentProcess(['agent', '--config', writeConfig(config)]);
  }

  /** Counter names of every message the debug publisher logged, in order (with repeats). */
  publishedNames(): string[] {
    const names: string[] = [];
    for (const line of this.lines) {
      if (line.name !== 'kadabra.publisher') continue;
      const metrics = line['metrics'] as { counters?: { name: string }[] } | undefined;
      for (const counter of metrics?.counters ?? []) names.push(counter.name);
    }
    return names;
  }

  /** Resolves once a line satisfies `match`. */
  async waitForLine(match: (line: LogLine) => boolean, what: string, timeoutMs = 10_000): Promise<void> {
    await waitFor(() => this.lines.some(match), what, timeoutMs, () => this.describe());
  }

  /** Sends a signal. */
  kill(signal: NodeJS.Signals): void {
    this.child.kill(signal);
  }

  /** Kills it if it still runs (test cleanup). */
  async dispose(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
    await this.exited;
  }

  describe(): string {
    return `stderr: ${this.stderr.slice(-2000)}\nstdout tail: ${this.stdout.slice(-2000)}`;
  }
}

/** Sends `count` messages with the client, one counter `${prefix}${i}` each, and waits for Redis to acknowledge them. */
export async function sendMessages(channelArgs: TestChannelArgs, count: number, prefix = 'm'): Promise<string[]> {
  const client = new Kadabra({ CLIENT_CHANNEL_ARGS: { ...channelArgs }, CLIENT_LOG_LEVEL: 'error' });
  const names: string[] = [];
  for (let i = 0; i < count; i += 1) {
    const metrics = client.metrics();
    metrics.addCount(`${prefix}${i}`, 1);
    client.send(metrics.close());
    names.push(`${prefix}${i}`);
  }
  const stats = await client.close();
  if (stats.delivered !== count) throw new Error(`only ${stats.delivered} of ${count} messages delivered`);
  return names;
}

/** A plain Redis connection for looking at and tampering with the lists. */
export function redisClient(port: number, password?: string): Redis {
  return new Redis({ port, host: '127.0.0.1', ...(password ? { password } : {}), lazyConnect: false });
}

/** Counter names of the messages in a Redis list (undecodable entries as `<raw>`). */
export async function namesInList(redis: Redis, key: string): Promise<string[]> {
  const raws = await redis.lrange(key, 0, -1);
  return raws.flatMap((raw) => {
    try {
      const message = JSON.parse(raw) as { counters?: { name: string }[] };
      return (message.counters ?? []).map((c) => c.name);
    } catch {
      return [`<${raw}>`];
    }
  });
}
