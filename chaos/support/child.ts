import { spawn, type ChildProcess } from 'node:child_process';

export { parseLogLine, type LogLine } from '../../test/support/log-line.js';

/** How a child process ended. */
export interface ChildExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/**
 * A node child process whose stdout is read line by line as it comes (so a child that
 * writes its log synchronously is never blocked by a full pipe). Each line goes to
 * `onLine`; stderr is kept (its tail) for error messages.
 */
export class Child {
  readonly exited: Promise<ChildExit>;
  private readonly child: ChildProcess;
  private stderrTail = '';
  private stdoutTail = '';

  constructor(script: string, args: readonly string[], env: NodeJS.ProcessEnv, onLine: (line: string) => void) {
    this.child = spawn(process.execPath, [script, ...args], {
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
      this.stderrTail = (this.stderrTail + chunk.toString('utf8')).slice(-4000);
    });
    // 'close', not 'exit': only then has all of stdout been read (a report printed just
    // before exiting can still be in the pipe at 'exit').
    this.exited = new Promise((resolve) => {
      this.child.once('close', (code, signal) => resolve({ code, signal }));
    });
  }

  /** The process id. */
  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Whether it still runs. */
  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Sends `signal` and waits for the exit. */
  async stop(signal: NodeJS.Signals): Promise<ChildExit> {
    if (this.running) this.child.kill(signal);
    return this.exited;
  }

  /** The last output, for error messages. */
  describe(): string {
    return `stderr: ${this.stderrTail}\nstdout tail: ${this.stdoutTail}`;
  }
}
