// What every server rig (redis-server, influxd, victoria-metrics) needs: a free loopback
// port, a retry when another process takes that port first, waiting for the server to
// answer, and waiting for its exit.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { waitFor } from './wait-for.js';

/** A port nobody listens on now, on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        if (address && typeof address === 'object') resolve(address.port);
        else reject(new Error('no port'));
      });
    });
  });
}

/**
 * Runs `launch` with freshly chosen free ports until it succeeds (5 tries): a port found
 * free can be taken by another process before the server binds it.
 */
export async function launchOnFreePorts(portCount: number, launch: (ports: number[]) => Promise<void>): Promise<number[]> {
  for (let attempt = 0; ; attempt += 1) {
    const ports: number[] = [];
    for (let i = 0; i < portCount; i += 1) ports.push(await freePort());
    try {
      await launch(ports);
      return ports;
    } catch (error) {
      if (attempt >= 4) throw error;
    }
  }
}

/** Resolves when `child` has exited (at once if it already has). */
export function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/** Sends `signal` to a server that still runs and waits for its exit (nothing to do without one). */
export async function signalAndWait(child: ChildProcess | undefined, signal: NodeJS.Signals): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  child.kill(signal);
  await exited(child);
}

/** What `spawnServer` starts and how it knows the server is up. */
export interface ServerLaunch {
  readonly command: string;
  readonly args: readonly string[];
  /** Resolves true once the server answers. */
  readonly ready: () => Promise<boolean>;
  /** For messages: e.g. `influxd on port 4242`. */
  readonly what: string;
  readonly timeoutMs?: number;
  readonly intervalMs?: number;
}

/**
 * Spawns a server and waits until `ready()`; if it exits or never answers, kills it and
 * throws with the last 4,000 characters of its stderr.
 */
export async function spawnServer(launch: ServerLaunch): Promise<ChildProcess> {
  const child = spawn(launch.command, launch.args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  try {
    await waitFor(async () => {
      if (child.exitCode !== null) throw new Error(`${launch.what} exited (${child.exitCode})`);
      return launch.ready();
    }, launch.what, launch.timeoutMs ?? 20_000, () => '', launch.intervalMs ?? 50);
  } catch (error) {
    child.kill('SIGKILL');
    throw new Error(`${error instanceof Error ? error.message : String(error)}; its stderr: ${stderr.trim() || '(empty)'}`);
  }
  return child;
}
