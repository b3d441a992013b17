import assert from 'node:assert/strict';
import { createServer, type Server, type Socket } from 'node:net';
import { resolve } from 'node:path';
import { AgentProcess } from '../support/agent-process.js';

/** Bound of the agent's exit after SIGTERM, whatever Redis or the database does. */
export const EXIT_BOUND_MS = 5000;
/** The preloaded module that runs a process's clock one hour fast. */
export const SKEW_CLOCK = resolve('dist/test/support/skew-clock.js');

/** A valid message with one counter named `name`. */
export function wireMessage(name: string): string {
  return (
    `{"dimensions": [], "counters": [{"name": ${JSON.stringify(name)}, "metadata": {}, ` +
    '"timestamp": "2024-01-02T03:04:05.000001Z", "value": 1.0}], "timers": [], ' +
    '"timestamp_format": "%Y-%m-%dT%H:%M:%S.%fZ", "serialized_at": "2024-01-02T03:04:05.000002Z"}'
  );
}

/** A valid message of about 4 MB: 36,000 counters, heavy for an agent to decode and publish. */
export function bigMessage(tag: string): Buffer {
  const counters: string[] = [];
  for (let i = 0; i < 36_000; i += 1) {
    counters.push(
      `{"name": "big-${tag}-${i}", "metadata": {"note": "${'n'.repeat(20)}"}, ` +
        `"timestamp": "2024-01-02T03:04:05.000001Z", "value": ${i}.0}`,
    );
  }
  return Buffer.from(
    `{"dimensions": [], "counters": [${counters.join(', ')}], "timers": [], ` +
      '"timestamp_format": "%Y-%m-%dT%H:%M:%S.%fZ", "serialized_at": "2024-01-02T03:04:05.000002Z"}',
  );
}

/** A TCP server that accepts connections and never answers: a hung InfluxDB. */
export async function startHungServer(): Promise<{ port: number; close: () => Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const address = server.address();
  assert.ok(address && typeof address === 'object');
  return {
    port: address.port,
    close: () =>
      new Promise<void>((done) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => done());
      }),
  };
}

/**
 * Sends SIGTERM; resolves with the exit, or rejects when the process still runs after
 * `ms`. Reports how long it took as a test diagnostic (a figure, not an assertion).
 */
export async function terminateWithin(
  agent: AgentProcess,
  ms: number,
  report: (message: string) => void,
): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  const started = Date.now();
  agent.kill('SIGTERM');
  void agent.exited.then(() => report(`exited ${Date.now() - started} ms after SIGTERM`));
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`the agent was still running ${ms} ms after SIGTERM\n${agent.describe()}`)), ms);
  });
  try {
    return await Promise.race([agent.exited, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** `kadabra agent` run by node with extra node options (a small heap, a preloaded module). */
export function startAgent(config: Record<string, unknown>, nodeOptions: string[] = []): AgentProcess {
  return AgentProcess.start(config, { nodeOptions });
}

/** Each name's count in `names`. */
export function counts(names: readonly string[]): Map<string, number> {
  const map = new Map<string, number>();
  for (const name of names) map.set(name, (map.get(name) ?? 0) + 1);
  return map;
}
