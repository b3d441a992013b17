import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { describe, it } from 'node:test';
import { waitFor } from '../../support/wait-for.js';
import { channelPath, PRODUCER, publishedSeqs, startSqliteAgent, statusOf } from './sqlite-support.js';

const PER_PRODUCER = 400;

/** Runs a producer process to its end; resolves its delivery counts. */
function produce(path: string, producer: string): Promise<{ delivered: number; dropped: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [PRODUCER, path, producer, String(PER_PRODUCER)], {
      env: { PATH: process.env['PATH'] },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('exit', (code) => {
      if (code === 0) resolve(JSON.parse(stdout) as { delivered: number; dropped: number });
      else reject(new Error(`producer ${producer} exited ${code}: ${stderr}${stdout}`));
    });
  });
}

describe('the SQLite channel shared by several processes', () => {
  it('three producer processes and two agents on one file: every message published exactly once', async () => {
    const path = channelPath();
    // A long nanny threshold: a message a busy agent holds for a moment is not "stuck",
    // so exactly-once (rather than at-least-once) is what to expect here.
    const timings = { AGENT_NANNY_FREQUENCY_SECONDS: 0.5, AGENT_NANNY_THRESHOLD_SECONDS: 30, BATCHED_AGENT_INTERVAL_SECONDS: 0.1 };
    const agents = [
      startSqliteAgent(path, { ...timings, AGENT_TYPE: 'default' }),
      startSqliteAgent(path, { ...timings, AGENT_TYPE: 'batched', BATCHED_AGENT_MAX_BATCH_SIZE: 50 }),
    ];
    const describeAll = (): string => agents.map((a) => a.describe()).join('\n');
    try {
      for (const agent of agents) await agent.waitForLine((l) => l.msg === 'agent started', 'agent started', 20_000);
      const producers = ['p1', 'p2', 'p3'];
      const results = await Promise.all(producers.map((p) => produce(path, p)));
      for (const result of results) assert.deepEqual([result.delivered, result.dropped], [PER_PRODUCER, 0]);

      const total = producers.length * PER_PRODUCER;
      const published = (): string[] => agents.flatMap(publishedSeqs);
      await waitFor(() => published().length >= total, `${total} published`, 60_000, describeAll);
      await waitFor(async () => (await statusOf(path)).inProgress === 0, 'in-progress drained', 20_000);

      const expected = producers.flatMap((p) => Array.from({ length: PER_PRODUCER }, (_, i) => `${p}-${i}`));
      assert.deepEqual(published().sort(), expected.sort(), 'each message published by exactly one agent, once');
      for (const agent of agents) assert.ok(publishedSeqs(agent).length > 0, 'both agents took part');
      assert.deepEqual(await statusOf(path), {
        queued: 0, inProgress: 0, oldestInProgressAt: undefined, oldestInProgressMs: undefined, deadLetters: 0, deadLetterAlarmThreshold: 10_000,
      });

      for (const agent of agents) agent.kill('SIGTERM');
      for (const agent of agents) assert.equal((await agent.exited).code, 0, agent.describe());
    } finally {
      for (const agent of agents) await agent.dispose();
    }
  });
});
