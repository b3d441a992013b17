import { createWriteStream, mkdtempSync, rmSync, writeFileSync, type WriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AgentProcess, CLI } from '../../test/support/agent-process.js';
import type { LogLine } from '../../test/support/log-line.js';

/** What the agent's own log says it did, summed over every run of one agent. */
export interface PublishCounts {
  /** Messages written per the agent's debug line `published`, by component (receiver, nanny). */
  readonly published: Record<string, number>;
  /** Messages in publish attempts that failed (a timed-out write may still have landed). */
  failedAttempts: number;
  /** Messages dead-lettered (channel: undecodable; agent: rejected by the publisher). */
  deadLettered: number;
  /** Messages published whose complete failed (Redis unreachable): the nanny publishes them again. */
  completeFailed: number;
  /** Times the receivers' gate closed (a publish failed transiently: no new message is taken). */
  gateClosed: number;
}

/**
 * A chaos agent: one JSON configuration file (`AGENT_LOG_LEVEL` debug) run as a
 * `kadabra agent` process (test/support/agent-process.ts) that can be SIGKILLed and
 * started again. It counts publishes from the agent's debug line `published` (one per
 * publish attempt that wrote, from src/agent/publish-and-settle.ts) over all its runs,
 * and writes every line to one log file instead of keeping them.
 */
export class ChaosAgent {
  readonly counts: PublishCounts = { published: {}, failedAttempts: 0, deadLettered: 0, completeFailed: 0, gateClosed: 0 };
  /** Error-level lines (fatal, error), kept for the report. */
  readonly errors: LogLine[] = [];
  /** The first warning lines, kept for diagnosis. */
  readonly warnings: LogLine[] = [];
  /** How many times it was started. */
  starts = 0;
  /** Every line the agent printed, over all its runs (kept for diagnosis). */
  readonly logPath: string;
  private run: AgentProcess | undefined;
  private readonly dir: string;
  private readonly configPath: string;
  private readonly log: WriteStream;

  constructor(
    readonly name: string,
    config: Record<string, unknown>,
  ) {
    const dir = mkdtempSync(join(tmpdir(), 'kadabra-chaos-'));
    this.dir = dir;
    this.configPath = join(dir, 'agent.json');
    this.logPath = join(dir, 'agent.log');
    this.log = createWriteStream(this.logPath);
    writeFileSync(this.configPath, JSON.stringify({ ...config, AGENT_LOG_LEVEL: 'debug' }));
  }

  /** Messages published (written) in total. */
  get publishedTotal(): number {
    return Object.values(this.counts.published).reduce((a, b) => a + b, 0);
  }

  private onLine(text: string, line: LogLine | undefined): void {
    this.log.write(`${text}\n`);
    if (!line) return;
    if (line.msg === 'published') {
      const component = typeof line['component'] === 'string' ? line['component'] : 'other';
      this.counts.published[component] = (this.counts.published[component] ?? 0) + Number(line['published'] ?? 0);
    } else if (line.msg === 'publish attempt failed') {
      this.counts.failedAttempts += Number(line['messages'] ?? 0);
    } else if (typeof line.msg === 'string' && line.msg.startsWith('published but could not mark complete')) {
      this.counts.completeFailed += Number(line['count'] ?? 0);
    } else if (line.msg === 'message dead-lettered') {
      this.counts.deadLettered += 1;
    } else if (typeof line.msg === 'string' && line.msg.startsWith('publishing failed; receivers stop taking')) {
      this.counts.gateClosed += 1;
    }
    if (line.level === 40 && this.warnings.length < 50) this.warnings.push(line);
    if (typeof line.level === 'number' && line.level >= 50 && !line.msg?.startsWith('published but could not mark complete')) {
      this.errors.push(line);
    }
  }

  /** Starts the process and waits for its `agent started` line. */
  async start(): Promise<void> {
    if (this.run?.running) throw new Error(`agent ${this.name} already runs`);
    this.starts += 1;
    this.run = new AgentProcess([CLI, 'agent', '--config', this.configPath], {
      keepOutput: false,
      onLine: (text, line) => this.onLine(text, line),
    });
    try {
      await this.run.waitUntilStarted();
    } catch (error) {
      throw new Error(`agent ${this.name}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  /** SIGKILL: no chance to finish anything. */
  async kill(): Promise<void> {
    await this.run?.stop('SIGKILL');
  }

  /** SIGTERM, and checks it exited 0 (a graceful stop). */
  async stop(): Promise<void> {
    const run = this.run;
    if (!run?.running) return;
    try {
      await run.stopCleanly('SIGTERM');
    } catch (error) {
      throw new Error(`agent ${this.name} ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  /** Kills it if it still runs (cleanup); deletes its log and configuration unless `keepLog`. */
  async dispose(keepLog: boolean): Promise<void> {
    await this.run?.dispose();
    await new Promise((resolve) => this.log.end(resolve));
    if (!keepLog) rmSync(this.dir, { recursive: true, force: true });
  }
}
