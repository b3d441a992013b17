import { spawn, type ChildProcess } from 'node:child_process';

/** How a child process ended. */
export interface ChildExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/**
 * A node child process (`node ...argv`) whose stdout is read line by line as it comes
 * (so a child that writes its log synchronously is never blocked by a full pipe). Each
 * line goes to `onLine`; stderr is kept whole (the processes run here print little there,
 * and tests look for what must never appear in it). The one way the process tests and the
 * chaos suite start a kadabra agent or an app.
 */
export class NodeChild {
  readonly exited: Promise<ChildExit>;
  /** Everything the child wrote to stderr so far. */
  stderr = '';
  private readonly child: ChildProcess;
  private stdoutTail = '';

  /**
   * @param argv node's arguments: a script and its arguments, maybe node options first.
   * @param env the environment beside PATH (nothing else of the parent's is passed).
   */
  constructor(argv: readonly string[], env: NodeJS.ProcessEnv, onLine: (line: string) => void) {
    this.child = spawn(process.execPath, argv, {
      env: { PATH: process.env['PATH'], ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let pending = '';
    this.child.stdout?.on('data', (chunk: Buffer) => {
      const text = pending + chunk.toString('utf8');
      const parts = text.split('\n');
      pending = parts.pop() ?? '';
      for (const part of parts) onLine(part);
      this.stdoutTail = (this.stdoutTail + chunk.toString('utf8')).slice(-2000);
    });
    this.child.stdout?.on('end', () => {
      if (pending !== '') onLine(pending);
    });
    this.child.stderr?.on('data', (chunk: Buffer) => {
      this.stderr += chunk.toString('utf8');
    });
    // 'close', not 'exit': only then has all of stdout been read (a report printed just
    // before exiting can still be in the pipe at 'exit').
    this.exited = new Promise((resolve) => {
      this.child.once('close', (code, signal) => resolve({ code, signal }));
    });
  }

  /** Whether it still runs. */
  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Sends `signal` if it still runs, without waiting. */
  kill(signal: NodeJS.Signals): void {
    if (this.running) this.child.kill(signal);
  }

  /** Sends `signal` and waits for the exit. */
  async stop(signal: NodeJS.Signals): Promise<ChildExit> {
    this.kill(signal);
    return this.exited;
  }

  /** The last output, for error messages. */
  describe(): string {
    return `stderr: ${this.stderr.slice(-4000)}\nstdout tail: ${this.stdoutTail}`;
  }
}

/** A node process run to its end: how it ended and all it printed. */
export interface NodeRun extends ChildExit {
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs `node ...argv` to its end without blocking the event loop (unlike `spawnSync`, so
 * servers in the test's own process keep answering), with `env` beside PATH.
 */
export async function runNode(argv: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<NodeRun> {
  let stdout = '';
  const child = new NodeChild(argv, env, (line) => {
    stdout += `${line}\n`;
  });
  const exit = await child.exited;
  return { code: exit.code, signal: exit.signal, stdout, stderr: child.stderr };
}
