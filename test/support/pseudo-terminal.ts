// Runs a command with a pseudo-terminal as its standard input, output and error, as a
// person at a terminal would, with util-linux's `script` (Debian's bsdutils, always
// installed): what the command prints there is what a person sees, and Ctrl-C typed into
// it reaches the command as SIGINT through the terminal, as when a person presses it.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import type { ChildExit } from './node-child.js';

/** The `ETX` byte Ctrl-C sends; the terminal turns it into SIGINT for the command. */
const CTRL_C = '\u0003';

/** Quotes `text` for `sh -c`. */
function shellQuote(text: string): string {
  return `'${text.replaceAll("'", "'\\''")}'`;
}

/** A `node ...argv` process on a pseudo-terminal, and everything it printed there. */
export class PseudoTerminal {
  /** Everything the terminal showed so far: output and error, ANSI codes and `\r\n` as they are. */
  output = '';
  readonly exited: Promise<ChildExit>;
  private readonly child: ChildProcess;

  /**
   * @param argv node's arguments.
   * @param env the environment beside PATH and TERM.
   * @throws Error when `script` is missing (util-linux).
   */
  constructor(argv: readonly string[], env: NodeJS.ProcessEnv = {}) {
    if (spawnSync('script', ['--version']).error) {
      throw new Error('`script` (util-linux, Debian package bsdutils) is needed to run a command on a pseudo-terminal');
    }
    // `exec`: the command itself is the terminal's foreground process, so Ctrl-C reaches
    // it alone and `script -e` reports its own exit code.
    const command = `exec ${[process.execPath, ...argv].map(shellQuote).join(' ')}`;
    this.child = spawn('script', ['--quiet', '--flush', '--return', '--command', command, '/dev/null'], {
      env: { PATH: process.env['PATH'], TERM: 'xterm', ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    this.child.stdout?.on('data', (chunk: Buffer) => {
      this.output += chunk.toString('utf8');
    });
    this.child.stderr?.on('data', (chunk: Buffer) => {
      this.output += chunk.toString('utf8');
    });
    this.exited = new Promise((resolve) => {
      this.child.once('close', (code, signal) => resolve({ code, signal }));
    });
  }

  /** Types Ctrl-C and waits for the exit. */
  async ctrlC(): Promise<ChildExit> {
    this.child.stdin?.write(CTRL_C);
    return this.exited;
  }

  /** The lines shown, without ANSI codes, carriage returns and the terminal's echo of Ctrl-C (`^C`). */
  lines(): string[] {
    // eslint-disable-next-line no-control-regex
    return this.output.replace(/\u001B\[[0-9;?]*[A-Za-z]/g, '').replaceAll('^C', '').split(/\r?\n/);
  }

  /** Kills it if it still runs (cleanup). */
  async dispose(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      this.child.kill('SIGKILL');
      await this.exited;
    }
  }

  /** The last output, for error messages. */
  describe(): string {
    return `terminal output: ${JSON.stringify(this.output.slice(-3000))}`;
  }
}
