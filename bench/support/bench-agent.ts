import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchChannel } from './backlog.js';
import type { BenchServers } from './bench-context.js';

/** The compiled CLI, from dist/bench/support/. */
const CLI = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));

/** Which agent to run. */
export interface BenchAgentOptions {
  readonly servers: BenchServers;
  readonly channel: BenchChannel;
  readonly database: string;
  /** Where the publisher writes; default the servers' influxd. */
  readonly influxUrl?: string;
  /** Another publisher than the servers' influxd (its type and arguments); `database` and `influxUrl` are then unused. */
  readonly publisher?: { readonly type: string; readonly args: Readonly<Record<string, unknown>> };
  /** Agent configuration keys beyond channel and publisher (AGENT_TYPE, threads, intervals...). */
  readonly config: Readonly<Record<string, unknown>>;
  /** Extra node flags, e.g. `--cpu-prof`. */
  readonly nodeFlags?: readonly string[];
  /** Working directory (where `--cpu-prof` writes). */
  readonly cwd?: string;
}

/**
 * `kadabra agent` in its own process with an InfluxDB publisher (or `publisher`), pinned with taskset to
 * the servers' agent cores when they are pinned.
 */
export class BenchAgent {
  readonly pid: number;
  private readonly child: ChildProcess;
  private readonly dir: string;
  private output = '';
  private readonly exited: Promise<number | null>;

  constructor(options: BenchAgentOptions) {
    this.dir = mkdtempSync(join(tmpdir(), 'kadabra-bench-agent-'));
    const configPath = join(this.dir, 'config.json');
    writeFileSync(
      configPath,
      JSON.stringify({
        AGENT_CHANNEL_TYPE: options.channel.type,
        AGENT_CHANNEL_ARGS: { host: '127.0.0.1', port: options.servers.redisPort, ...options.channel.args },
        AGENT_PUBLISHER_TYPE: options.publisher?.type ?? 'influxdb',
        AGENT_PUBLISHER_ARGS: options.publisher?.args ?? { url: options.influxUrl ?? options.servers.influxUrl, database: options.database, timeout: 60 },
        AGENT_LOG_LEVEL: 'info',
        ...options.config,
      }),
    );
    const node = [process.execPath, ...(options.nodeFlags ?? []), CLI, 'agent', '--config', configPath];
    const cpus = options.servers.agentCpus;
    const [command, ...args] = cpus === undefined ? node : ['taskset', '-c', cpus, ...node];
    // taskset execs node in place, so the child's pid is the agent's.
    this.child = spawn(command as string, args, {
      cwd: options.cwd,
      env: { PATH: process.env['PATH'] },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const keep = (chunk: Buffer): void => {
      this.output = (this.output + chunk.toString('utf8')).slice(-20_000);
    };
    this.child.stdout?.on('data', keep);
    this.child.stderr?.on('data', keep);
    this.exited = new Promise((resolve) => this.child.once('exit', (code) => resolve(code)));
    if (this.child.pid === undefined) throw new Error('could not start the agent');
    this.pid = this.child.pid;
  }

  /** Resolves once the agent logged that its receiver started. */
  async ready(timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!/receiver started/.test(this.output)) {
      if (this.child.exitCode !== null) throw new Error(`the agent exited (${this.child.exitCode}): ${this.output}`);
      if (Date.now() > deadline) throw new Error(`the agent did not start: ${this.output}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  /** Throws with the agent's output if it has exited. */
  checkAlive(): void {
    if (this.child.exitCode !== null) throw new Error(`the agent exited (${this.child.exitCode}): ${this.output}`);
  }

  /** Stops the agent (SIGTERM, then SIGKILL after 10 s) and removes its configuration. */
  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      this.child.kill('SIGTERM');
      const timer = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
      await this.exited;
      clearTimeout(timer);
    }
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** The agent's last output (log lines), for error messages. */
  describe(): string {
    return this.output.slice(-4000);
  }
}
