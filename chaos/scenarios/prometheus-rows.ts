import { sleep } from '../scenario-run.js';
import { startTcpDelayProxy } from '../support/tcp-delay-proxy.js';
import { killAgentThrice, ORPHANS_REPUBLISH_CAUSE } from './agent-killed.js';
import { redisRestarts } from './redis-restarts.js';
import type { Scenario } from './scenario.js';

/**
 * How long Redis's answers to the agent take while the kills happen. Folding needs no
 * I/O, so without it a message is in progress for a millisecond; with it, for the
 * receive's answer and the fold, and the complete's answer comes late: a kill lands before
 * the completing step (nothing added to the totals; the nanny publishes the messages
 * again) or after it ran in Redis unheard (added once, the message gone).
 */
const ANSWER_DELAY_MS = 150;

/**
 * prom1. The agent publishes with the Prometheus publisher and reaches Redis through a TCP
 * proxy that holds Redis's answers `ANSWER_DELAY_MS`; it is SIGKILLed three times right
 * after a message newly entered in-progress and started again on the same `/metrics`
 * port while a real Prometheus scrapes it every second. The totals change only in the
 * step that completes a message: what a kill leaves in progress counts once, when the
 * nanny's republish completes it.
 */
export const prometheusAgentKilled: Scenario = {
  key: 'prom1',
  title: 'prom1 agent SIGKILL x3 (Prometheus)',
  store: 'prometheus',
  async run(run) {
    const proxy = await startTcpDelayProxy(run.env.redis.port);
    run.onDispose(() => proxy.close());
    const channelArgs = run.agentConfig()['AGENT_CHANNEL_ARGS'] as Record<string, unknown>;
    const agent = await run.startAgent('a', { AGENT_CHANNEL_ARGS: { ...channelArgs, port: proxy.port } });
    run.startApps();
    await sleep(run.profile.calmSeconds);
    proxy.setAnswerDelay(ANSWER_DELAY_MS);
    const leavingOrphans = await killAgentThrice(run, agent, 0, () => proxy.setAnswerDelay(0));
    run.notes.push(`kills that left messages in progress: ${leavingOrphans} of 3`);
    if (leavingOrphans === 0) run.failures.push('no kill left a message in progress: the row did not test what it names');
    await run.endCalm();
    run.expectRepublishedAtMost(() => run.leftByKills, ORPHANS_REPUBLISH_CAUSE);
  },
};

/**
 * prom2. Scenario 3 (redis-server stopped, then SIGKILLed, each time started again, while
 * the apps send) with the Prometheus publisher: the totals live in Redis beside the
 * channel, so they survive the restarts as the queue does.
 */
export const prometheusRedisRestarts: Scenario = {
  key: 'prom2',
  title: 'prom2 Redis restart (TERM, KILL) (Prometheus)',
  store: 'prometheus',
  async run(run) {
    await redisRestarts.run(run);
    run.expectRepublishedAtMost(
      () => run.completeFailed() + run.failedWrites(),
      'completes that failed while Redis was down (folded again, added to the totals only by the complete that removes them), ' +
        'and client writes that failed but may have reached Redis, sent again (a copy that arrived counts again: see the totals notes)',
    );
  },
};
