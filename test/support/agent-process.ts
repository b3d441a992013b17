import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseLogLine, type LogLine } from './log-line.js';
import { NodeChild, type ChildExit } from './node-child.js';
import { waitFor } from './wait-for.js';

/** The compiled CLI entry. Tests and the chaos suite run from the repository root. */
export const CLI = resolve('dist/src/cli/main.js');

/** How a `kadabra` command run to its end went. */
export interface KadabraRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs `kadabra <args>` (the compiled CLI) to its end, with `env` beside PATH. Synchronous:
 * for commands that need nothing from a server in the test's own process.
 */
export function runKadabra(args: readonly string[], env: NodeJS.ProcessEnv = {}): KadabraRun {
  const result = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env: { PATH: process.env['PATH'], ...env } });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Writes a JSON configuration file in a fresh temporary directory and returns its path. */
export function writeConfig(config: Record<string, unknown>): string {
  const path = join(mkdtempSync(join(tmpdir(), 'kadabra-agent-')), 'config.json');
  writeFileSync(path, JSON.stringify(config));
  return path;
}

/** How to run an agent process beside its node arguments. */
export interface AgentProcessOptions {
  /** The environment beside PATH. */
  readonly env?: NodeJS.ProcessEnv;
  /** Called with every stdout line as it comes, and its parse when it is a JSON log line. */
  readonly onLine?: (text: string, line: LogLine | undefined) => void;
  /**
   * Whether to keep every line in `lines` and `stdout` (default true). A long run that
   * only counts its lines (the chaos suite) passes false and reads them in `onLine`.
   */
  readonly keepOutput?: boolean;
}

/**
 * One run of a `kadabra agent` process (the real CLI, or a script that starts an agent)
 * and what it printed: its JSON log lines, parsed, and its stdout and stderr. Also runs
 * other `kadabra` commands where the test's own process must keep serving meanwhile
 * (`runKadabra` would block it).
 */
export class AgentProcess {
  /** The JSON log lines printed so far (empty with `keepOutput: false`). */
  readonly lines: LogLine[] = [];
  /** All of stdout so far (empty with `keepOutput: false`). */
  stdout = '';
  private readonly child: NodeChild;
  private started = false;

  /** @param argv node's arguments: `CLI agent --config <file>`, a script, or node options before either. */
  constructor(argv: readonly string[], options: AgentProcessOptions = {}) {
    const keep = options.keepOutput ?? true;
    this.child = new NodeChild(argv, options.env ?? {}, (text) => {
      const line = parseLogLine(text);
      if (line?.msg === 'agent started') this.started = true;
      if (keep) {
        this.stdout += `${text}\n`;
        if (line) this.lines.push(line);
      }
      options.onLine?.(text, line);
    });
  }

  /** Starts `kadabra agent --config <file>` with `config`, node options `nodeOptions` first. */
  static start(config: Record<string, unknown>, options: AgentProcessOptions & { readonly nodeOptions?: readonly string[] } = {}): AgentProcess {
    return new AgentProcess([...(options.nodeOptions ?? []), CLI, 'agent', '--config', writeConfig(config)], options);
  }

  /** Resolves when it has exited and all its output is read. */
  get exited(): Promise<ChildExit> {
    return this.child.exited;
  }

  /** Everything it wrote to stderr so far. */
  get stderr(): string {
    return this.child.stderr;
  }

  /** Whether it still runs. */
  get running(): boolean {
    return this.child.running;
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

  /** Resolves once the agent logged `agent started`; throws at once if it exits first. */
  async waitUntilStarted(timeoutMs = 30_000): Promise<void> {
    await waitFor(
      () => {
        if (this.started) return true;
        if (!this.child.running) throw new Error(`the agent exited at start\n${this.describe()}`);
        return false;
      },
      'agent started',
      timeoutMs,
      () => this.describe(),
      20,
    );
  }

  /** Sends a signal (if it still runs). */
  kill(signal: NodeJS.Signals): void {
    this.child.kill(signal);
  }

  /** Sends `signal` and waits for the exit. */
  stop(signal: NodeJS.Signals): Promise<ChildExit> {
    return this.child.stop(signal);
  }

  /** Sends `signal` (SIGTERM, SIGINT) and throws unless it exits 0: a graceful stop. */
  async stopCleanly(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    const exit = await this.child.stop(signal);
    if (exit.code !== 0) throw new Error(`exited ${exit.code ?? exit.signal} on ${signal}, not 0\n${this.describe()}`);
  }

  /** Kills it if it still runs (cleanup). */
  async dispose(): Promise<void> {
    await this.child.stop('SIGKILL');
  }

  /** The last output, for error messages. */
  describe(): string {
    return this.child.describe();
  }
}
