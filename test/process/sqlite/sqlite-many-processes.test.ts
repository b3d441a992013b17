import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runNode } from '../../support/node-child.js';
import { waitFor } from '../../support/wait-for.js';
import { channelPath, PRODUCER, publishedSeqs, startSqliteAgent, statusOf } from './sqlite-support.js';

const PER_PRODUCER = 400;

/** Runs a producer process to its end; resolves its delivery counts. */
async function produce(path: string, producer: string): Promise<{ delivered: number; dropped: number }> {
  const run = await runNode([PRODUCER, path, producer, String(PER_PRODUCER)]);
  if (run.code !== 0) throw new Error(`producer ${producer} exited ${run.code}: ${run.stderr}${run.stdout}`);
  return JSON.parse(run.stdout) as { delivered: number; dropped: number };
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
      for (const agent of agents) await agent.waitUntilStarted();
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

      await Promise.all(agents.map((agent) => agent.stopCleanly()));
    } finally {
      for (const agent of agents) await agent.dispose();
    }
  });
});
