import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AgentStats } from '../../../../src/agent/monitoring/agent-stats.js';
import { PublisherProbe } from '../../../../src/agent/monitoring/publisher-probe.js';
import { PublishGate } from '../../../../src/agent/publish-gate.js';
import type { ProbeResult } from '../../../../src/publishers/publisher.js';
import { silentLogger, waitFor } from '../helpers.js';

describe('PublisherProbe', () => {
  it('probes while idle and makes readiness follow the publisher both ways', async () => {
    const stats = new AgentStats();
    let answer: ProbeResult = { ok: true };
    let probes = 0;
    const probe = new PublisherProbe({
      probe: () => {
        probes += 1;
        return Promise.resolve(answer);
      },
      gate: new PublishGate(),
      stats,
      logger: silentLogger(),
      intervalMs: 20,
    });
    const running = probe.start();
    try {
      await waitFor(() => probes >= 2, 'probed while idle');
      assert.equal(stats.readiness.problem(), undefined);
      answer = { ok: false, reason: 'InfluxDB at http://127.0.0.1:1 is unavailable: cannot reach InfluxDB: ECONNREFUSED' };
      await waitFor(() => stats.readiness.problem() !== undefined, 'unready');
      assert.equal(stats.readiness.problem(), `publisher not writing: ${answer.reason}`);
      answer = { ok: true };
      await waitFor(() => stats.readiness.problem() === undefined, 'ready again');
      assert.deepEqual(stats.heartbeats.problems(), []);
    } finally {
      await probe.stop();
      await running;
    }
    assert.deepEqual(stats.heartbeats.problems(), ['publisher probe stopped']);
  });

  it('does not probe while publishes answer, but does while the gate is closed', async () => {
    const stats = new AgentStats();
    const gate = new PublishGate();
    let probes = 0;
    const probe = new PublisherProbe({
      probe: () => {
        probes += 1;
        return Promise.resolve({ ok: true });
      },
      gate,
      stats,
      logger: silentLogger(),
      intervalMs: 200,
    });
    // Publishes keep answering (more often than the interval).
    const busy = setInterval(() => stats.readiness.publisherWriting(), 20);
    stats.readiness.publisherWriting();
    const running = probe.start();
    try {
      await new Promise((resolve) => setTimeout(resolve, 700));
      assert.equal(probes, 0, 'no probe while publishes tell');
      gate.close();
      await waitFor(() => probes >= 1, 'probed while the gate is closed', 2000);
    } finally {
      clearInterval(busy);
      await probe.stop();
      await running;
    }
  });
});
