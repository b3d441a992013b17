import { createWriteStream, mkdtempSync, rmSync, writeFileSync, type WriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Child, parseLogLine, type LogLine } from './child.js';

/** The compiled CLI; the suite runs from the repository root. */
const CLI = resolve('dist/src/cli/main.js');

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
 * A `kadabra agent` process (real CLI, JSON config file, `AGENT_LOG_LEVEL` debug) that
 * can be SIGKILLed and started again. It counts publishes from the agent's debug line
 * `published` (one per publish attempt that wrote, from src/agent/publish-and-settle.ts).
 */
export class AgentProcess {
  readonly counts: PublishCounts = { published: {}, failedAttempts: 0, deadLettered: 0, completeFailed: 0, gateClosed: 0 };
  /** Error-level lines (fatal, error), kept for the report. */
  readonly errors: LogLine[] = [];
  /** The first warning lines, kept for diagnosis. */
  readonly warnings: LogLine[] = [];
  /** How many times it was started. */
  starts = 0;
  /** Every line the agent printed, over all its runs (kept for diagnosis). */
  readonly logPath: string;
  private child: Child | undefined;
  private readonly dir: string;
  private readonly configPath: string;
  private readonly log: WriteStream;
  private started = false;

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

  private onLine(text: string): void {
    this.log.write(`${text}\n`);
    const line = parseLogLine(text);
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
    } else if (line.msg === 'agent started') {
      this.started = true;
    }
    if (line.level === 40 && this.warnings.length < 50) this.warnings.push(line);
    if (typeof line.level === 'number' && line.level >= 50 && !line.msg?.startsWith('published but could not mark complete')) {
      this.errors.push(line);
    }
  }

  /** Starts the process and waits for its `agent started` line. */
  async start(): Promise<void> {
    if (this.child?.running) throw new Error(`agent ${this.name} already runs`);
    this.started = false;
    this.starts += 1;
    const child = new Child(CLI, ['agent', '--config', this.configPath], {}, (line) => this.onLine(line));
    this.child = child;
    const deadline = Date.now() + 30_000;
    while (!this.started) {
      if (!child.running) throw new Error(`agent ${this.name} exited at start\n${child.describe()}`);
      if (Date.now() > deadline) throw new Error(`agent ${this.name} did not start\n${child.describe()}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /** SIGKILL: no chance to finish anything. */
  async kill(): Promise<void> {
    await this.child?.stop('SIGKILL');
  }

  /** SIGTERM, and checks it exited 0 (a graceful stop). */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child?.running) return;
    const exit = await child.stop('SIGTERM');
    if (exit.code !== 0) throw new Error(`agent ${this.name} exited ${exit.code ?? exit.signal} on SIGTERM\n${child.describe()}`);
  }

  /** Kills it if it still runs (cleanup); deletes its log and configuration unless `keepLog`. */
  async dispose(keepLog: boolean): Promise<void> {
    await this.child?.stop('SIGKILL');
    await new Promise((resolve) => this.log.end(resolve));
    if (!keepLog) rmSync(this.dir, { recursive: true, force: true });
  }
}
