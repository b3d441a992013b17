import { sleep } from '../scenario-run.js';
import type { Scenario } from './scenario.js';

/**
 * 6. A backlog built while no agent runs, older than the nanny threshold by the time
 * the agent starts: each message must be published exactly once (publishes counted,
 * not only points): the original judged "stuck" by the client's `serialized_at`, so such
 * a backlog was published twice. Run with the default and the batched agent (`agentType`).
 */
export function backlog(agentType: 'default' | 'batched'): Scenario {
  return {
    key: agentType === 'default' ? '6' : '6b',
    title: `6 backlog, ${agentType} agent`,
    async run(run) {
      const { profile } = run;
      run.step(`building a backlog of ${profile.backlog} messages with no agent running`);
      const apps = run.startBacklogApps(profile.backlog);
      await run.appsFinished(apps);
      // serialized_at of every message is now older than the threshold.
      await sleep(profile.nannyThresholdSeconds + 1);
      run.faultsOver();
      await run.startAgent('a', { AGENT_TYPE: agentType });
      run.expectRepublishedAtMost(() => 0, 'nothing: no fault, each message published once');
    },
  };
}
