import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** A node script started as a child, and the first line it printed. */
export interface ScriptChild {
  readonly child: ChildProcess;
  readonly firstLine: string;
  stop(): Promise<void>;
}

/** Starts `node <script> ...args` (a file URL next to the caller) and waits for its first line of output. */
export function spawnScript(script: URL, args: readonly string[]): Promise<ScriptChild> {
  const child = spawn(process.execPath, [fileURLToPath(script), ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  };
  return new Promise((resolve, reject) => {
    let text = '';
    child.once('exit', (code) => reject(new Error(`${script.pathname} exited (${code}) before printing`)));
    child.stdout?.on('data', (chunk: Buffer) => {
      text += chunk.toString('utf8');
      const newline = text.indexOf('\n');
      if (newline >= 0) resolve({ child, firstLine: text.slice(0, newline), stop });
    });
  });
}
