import assert from 'node:assert/strict';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { describe, it } from 'node:test';
import { agentMetricFamilies } from '../../../../src/agent/monitoring/agent-metrics.js';
import { AgentStats } from '../../../../src/agent/monitoring/agent-stats.js';
import type { ChannelStatus } from '../../../../src/channels/channel.js';
import { MemoryChannel } from '../../../support/memory-channel.js';

describe('agentMetricFamilies', () => {
  it('reads the counters before asking the channel: a message completed during the status query is not published and in progress at once', async () => {
    const stats = new AgentStats();
    stats.received = 1;
    const channel = new MemoryChannel();
    // The receiver completes its message while the scrape waits for the channel's answer,
    // which was read while the message was still in progress.
    channel.status = async (): Promise<ChannelStatus> => {
      await new Promise((resolve) => setImmediate(resolve));
      stats.published = 1;
      stats.points = 1;
      return { queued: 0, inProgress: 1, oldestInProgressAt: 0, oldestInProgressMs: 5, deadLetters: 0, deadLetterAlarmThreshold: 10 };
    };
    const families = await agentMetricFamilies({ stats, channel, eventLoop: monitorEventLoopDelay(), eventLoopResolutionMs: 10 });
    const value = (name: string): number | string | undefined => families.find((family) => family.name === name)?.samples[0]?.value;
    assert.equal(value('kadabra_agent_in_progress'), 1);
    assert.equal(value('kadabra_agent_messages_published_total'), 0, 'counted after the channel was read: left for the next scrape');
    assert.equal(value('kadabra_agent_points_written_total'), 0);
    assert.equal(value('kadabra_agent_messages_received_total'), 1);
  });
});
