import { sleep } from '../scenario-run.js';
import type { Scenario } from './scenario.js';

/**
 * 7. Two agents consume the same queue at once (one default, one batched): each message
 * is taken by one of them; none is published twice.
 */
export const twoAgents: Scenario = {
  key: '7',
  title: '7 two agents, one queue',
  async run(run) {
    const { profile } = run;
    await run.startAgent('a');
    await run.startAgent('b', { AGENT_TYPE: 'batched' });
    run.startApps();
    await sleep(profile.calmSeconds * 4);
    await run.stopApps();
    run.expectRepublishedAtMost(() => 0, 'nothing: no fault');
  },
};
